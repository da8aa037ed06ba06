"""Dates in words, from the names and patterns in content/ (no locale, no English in code)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from content import Content

DateStyle = Literal["short", "medium", "long", "weekday"]


def format_date(content: Content, day: date, style: DateStyle = "medium") -> str:
    """`day` in words: short '3 Mar', medium '3 Mar 2026', long '3 March 2026', weekday
    'Tuesday 3 March'."""
    months = content.text("formats.months").split()
    short_months = content.text("formats.months_short").split()
    weekdays = content.text("formats.weekdays").split()
    values = {
        "day": day.day,
        "month": months[day.month - 1],
        "month_short": short_months[day.month - 1],
        "weekday": weekdays[day.weekday()],
        "year": day.year,
    }
    if style == "short":
        return content.text("formats.date_short", **values)
    if style == "medium":
        return content.text("formats.date_medium", **values)
    if style == "long":
        return content.text("formats.date_long", **values)
    return content.text("formats.date_weekday", **values)
