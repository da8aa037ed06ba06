"""When daily prompts are due, how people's times and timezones are read, and which prompt is next.

Pure functions only: no Telegram, no SQL, no clock reads. Every instant that goes in or comes out
is a timezone-aware UTC ``datetime``; local dates and times exist only for the person's own
timezone and are converted here with ``zoneinfo``.

Timezone names stored for a person are either IANA names ("Europe/Berlin", "Etc/GMT-2", "UTC")
or, for offsets that are not whole hours, a fixed-offset name of our own in the form
"UTC+05:30" / "UTC-03:30". Whole-hour offsets map to IANA's ``Etc/GMT`` zones, whose sign is
inverted by POSIX convention: "+2" is stored as "Etc/GMT-2". ``zone_for`` resolves both forms.
"""

from __future__ import annotations

import random
import re
import unicodedata
import zoneinfo
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Protocol, TypeVar

# A fixed offset that IANA has no zone for (e.g. India's +05:30 typed as an offset).
_FIXED_OFFSET_NAME = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")
# "+2", "-5", "UTC-5", "GMT+5:30", "utc +02:00", "+0530"; a bare sign is required so that a
# plain number typed into the time question is never mistaken for an offset.
_OFFSET_INPUT = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?:[:.h]?(\d{2}))?$")
_TIME_INPUT = re.compile(r"^(\d{1,2})(?:[:.h](\d{2})?)?(am|pm)?$")
_TIME_COMPACT = re.compile(r"^(\d{2})(\d{2})$")
# Areas whose city names are safe to match on their own ("berlin" -> Europe/Berlin); legacy
# areas like "US/" or "Canada/" would make "eastern" or "pacific" ambiguous.
_CITY_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)
# Common places people type that are not IANA city names. Keys are normalized (lowercase,
# no accents, single spaces).
_PLACE_ZONES: dict[str, str] = {
    "uk": "Europe/London",
    "england": "Europe/London",
    "britain": "Europe/London",
    "scotland": "Europe/London",
    "wales": "Europe/London",
    "manchester": "Europe/London",
    "birmingham": "Europe/London",
    "edinburgh": "Europe/London",
    "glasgow": "Europe/London",
    "ireland": "Europe/Dublin",
    "germany": "Europe/Berlin",
    "munich": "Europe/Berlin",
    "munchen": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "koln": "Europe/Berlin",
    "dusseldorf": "Europe/Berlin",
    "france": "Europe/Paris",
    "lyon": "Europe/Paris",
    "marseille": "Europe/Paris",
    "spain": "Europe/Madrid",
    "barcelona": "Europe/Madrid",
    "valencia": "Europe/Madrid",
    "seville": "Europe/Madrid",
    "italy": "Europe/Rome",
    "milan": "Europe/Rome",
    "florence": "Europe/Rome",
    "naples": "Europe/Rome",
    "netherlands": "Europe/Amsterdam",
    "rotterdam": "Europe/Amsterdam",
    "switzerland": "Europe/Zurich",
    "geneva": "Europe/Zurich",
    "austria": "Europe/Vienna",
    "poland": "Europe/Warsaw",
    "krakow": "Europe/Warsaw",
    "ukraine": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "greece": "Europe/Athens",
    "turkey": "Europe/Istanbul",
    "ankara": "Europe/Istanbul",
    "portugal": "Europe/Lisbon",
    "porto": "Europe/Lisbon",
    "india": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "pune": "Asia/Kolkata",
    "china": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "japan": "Asia/Tokyo",
    "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo",
    "korea": "Asia/Seoul",
    "hanoi": "Asia/Ho_Chi_Minh",
    "saigon": "Asia/Ho_Chi_Minh",
    "philippines": "Asia/Manila",
    "israel": "Asia/Jerusalem",
    "tel aviv": "Asia/Jerusalem",
    "abu dhabi": "Asia/Dubai",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "philadelphia": "America/New_York",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "austin": "America/Chicago",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "rio": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "brazil": "America/Sao_Paulo",
    "wellington": "Pacific/Auckland",
    "new zealand": "Pacific/Auckland",
    "cape town": "Africa/Johannesburg",
    "south africa": "Africa/Johannesburg",
    "egypt": "Africa/Cairo",
    "kenya": "Africa/Nairobi",
    "nigeria": "Africa/Lagos",
}
# Daily prompts are at most one a day, so a due time is always within a few days of "after";
# the bound only guards against an endless loop on impossible input.
_MAX_DAYS_AHEAD = 8


class ThemedPrompt(Protocol):
    """Anything with a stable id and a theme, such as content.daily.DailyPrompt."""

    @property
    def id(self) -> str:
        """The prompt's stable id."""
        ...

    @property
    def theme(self) -> str:
        """The theme (dimension) the prompt belongs to."""
        ...


PromptT = TypeVar("PromptT", bound=ThemedPrompt)


@dataclass(frozen=True)
class DeliveryPlan:
    """What one tick does for a due person: the local date to send for (or None), the next due."""

    send_for: date | None
    next_due_utc: datetime


def zone_for(tz_name: str) -> tzinfo:
    """Return the tzinfo for a stored timezone name; raise ValueError if it is unknown."""
    return _zone_for(tz_name)


@lru_cache(maxsize=1024)
def _zone_for(tz_name: str) -> tzinfo:
    fixed = _FIXED_OFFSET_NAME.match(tz_name)
    if fixed:
        sign = 1 if fixed.group(1) == "+" else -1
        offset = timedelta(hours=int(fixed.group(2)), minutes=int(fixed.group(3)))
        return timezone(sign * offset, tz_name)
    try:
        return zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown timezone name {tz_name!r}") from error


def is_fixed_offset(tz_name: str) -> bool:
    """True when the stored zone is a fixed offset that never follows daylight saving time."""
    return (
        tz_name == "UTC" or tz_name.startswith("Etc/") or bool(_FIXED_OFFSET_NAME.match(tz_name))
    )


def timezone_label(tz_name: str) -> str:
    """Return a readable name for a stored zone: "Etc/GMT-2" reads as "UTC+2"."""
    etc = re.fullmatch(r"Etc/GMT([+-])(\d{1,2})", tz_name)
    if etc:
        # POSIX inverts the sign in Etc/GMT names; show the sign people expect.
        return f"UTC{'-' if etc.group(1) == '+' else '+'}{etc.group(2)}"
    if tz_name in ("Etc/UTC", "Etc/GMT", "UTC"):
        return "UTC"
    return tz_name


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got a naive datetime")


def occurrence_utc(local_date: date, local_time: time, tz_name: str) -> datetime:
    """Return the UTC instant of a local wall time on a local date.

    A wall time that happens twice (autumn fall-back) resolves to its first occurrence, so it
    fires once. A wall time that does not exist (spring-forward gap) moves forward by the length
    of the gap, e.g. 02:30 on the night Berlin jumps from 02:00 to 03:00 becomes 03:30.
    """
    # fold=0 picks the offset in force before a transition: the first of two repeated times,
    # and for a skipped time the pre-jump offset, which lands after the gap.
    local = datetime.combine(local_date, local_time.replace(tzinfo=None, fold=0))
    return local.replace(tzinfo=zone_for(tz_name)).astimezone(UTC)


def local_date_of(due_utc: datetime, tz_name: str) -> date:
    """Return the person's local calendar date at a UTC instant."""
    _require_aware(due_utc, "due_utc")
    return due_utc.astimezone(zone_for(tz_name)).date()


def next_due_utc(
    local_time: time,
    tz_name: str,
    after_utc: datetime,
    paused_until: date | None = None,
    skip_date: date | None = None,
) -> datetime:
    """Return the first instant strictly after `after_utc` when the daily prompt is due.

    `paused_until` is the first local date prompts come again (earlier dates are quiet);
    `skip_date` is one local date without a prompt. The local wall time is kept across DST
    changes; see `occurrence_utc` for the nights when it is skipped or repeated.
    """
    _require_aware(after_utc, "after_utc")
    # Start a day early: a time pushed forward over a midnight DST gap belongs to the day before.
    day = local_date_of(after_utc, tz_name) - timedelta(days=1)
    if paused_until is not None and day < paused_until:
        day = paused_until
    for _ in range(_MAX_DAYS_AHEAD):
        if day != skip_date:
            due = occurrence_utc(day, local_time, tz_name)
            if due > after_utc:
                return due
        day += timedelta(days=1)
    raise ValueError("no due time found within a week; check the schedule inputs")


def plan_delivery(
    stored_due_utc: datetime,
    now_utc: datetime,
    local_time: time,
    tz_name: str,
    paused_until: date | None = None,
    skip_date: date | None = None,
) -> DeliveryPlan:
    """Decide what to do for a person whose stored due time has come.

    A prompt is sent only for today's local date, and only if today's due time has passed and
    was actually scheduled (not before the stored due). So a bot that was down at 08:30 still
    sends at 14:00 the same local day, but not the next morning for yesterday. The next due
    time is always strictly after now, so the same prompt is never planned twice.
    """
    _require_aware(stored_due_utc, "stored_due_utc")
    _require_aware(now_utc, "now_utc")
    today = local_date_of(now_utc, tz_name)
    send_for: date | None = None
    # The latest scheduled occurrence at or before now, if it falls on today's local date.
    latest = next_due_utc(
        local_time, tz_name, now_utc - timedelta(days=2), paused_until, skip_date
    )
    candidate: datetime | None = None
    while latest <= now_utc:
        candidate = latest
        latest = next_due_utc(local_time, tz_name, latest, paused_until, skip_date)
    if (
        candidate is not None
        and candidate >= stored_due_utc
        and local_date_of(candidate, tz_name) == today
    ):
        send_for = today
    return DeliveryPlan(send_for=send_for, next_due_utc=latest)


def pause_until_for(now_utc: datetime, tz_name: str, days: int) -> date:
    """Return `paused_until` for "pause for N days": the rest of today and the next N days."""
    if days < 1:
        raise ValueError("a pause lasts at least one day")
    return local_date_of(now_utc, tz_name) + timedelta(days=days + 1)


def tomorrow_of(now_utc: datetime, tz_name: str) -> date:
    """Return the person's local date tomorrow, the date "skip tomorrow" leaves out."""
    return local_date_of(now_utc, tz_name) + timedelta(days=1)


def parse_local_time(text: str) -> time | None:
    """Read a time of day as people type it ("8:30", "08:30", "8.30", "8pm"); None if unclear."""
    cleaned = re.sub(r"\s+", "", text.strip().lower())
    cleaned = re.sub(r"([ap])\.?m\.?$", r"\1m", cleaned)
    if cleaned == "noon":
        return time(12, 0)
    if cleaned == "midnight":
        return time(0, 0)
    compact = _TIME_COMPACT.match(cleaned)
    match = _TIME_INPUT.match(cleaned)
    if compact:
        hour, minute, suffix = int(compact.group(1)), int(compact.group(2)), None
    elif match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        suffix = match.group(3)
    else:
        return None
    if minute > 59:
        return None
    if suffix is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif hour > 23:
        return None
    return time(hour, minute)


def _normalize_place(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    cleaned = re.sub(r"[^a-z0-9+\-:./ _]", " ", without_accents.lower())
    return re.sub(r"\s+", " ", cleaned).strip()


@lru_cache(maxsize=1)
def _zone_indexes() -> tuple[dict[str, str], dict[str, str]]:
    """Map lowercased IANA names and their city parts to canonical names, built once."""
    names = zoneinfo.available_timezones()
    by_name = {name.lower(): name for name in names}
    cities: dict[str, str] = {}
    # Shallow names first ("America/Indianapolis" before "America/Indiana/Indianapolis").
    for name in sorted(names, key=lambda zone: (zone.count("/"), zone)):
        if name.startswith(_CITY_AREAS):
            city = name.rsplit("/", 1)[1].lower().replace("_", " ")
            cities.setdefault(city, name)
    return by_name, cities


def _parse_offset(text: str) -> str | None:
    if text in ("utc", "gmt", "z", "etc/utc"):
        return "UTC"
    match = _OFFSET_INPUT.match(text)
    if not match:
        return None
    sign = 1 if match.group(1) == "+" else -1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if minutes not in (0, 30, 45):
        return None
    total = sign * (hours * 60 + minutes)
    if not -12 * 60 <= total <= 14 * 60:
        return None
    if total == 0:
        return "UTC"
    if minutes == 0:
        # POSIX sign convention: Etc/GMT-2 is two hours ahead of UTC.
        return f"Etc/GMT{'-' if sign > 0 else '+'}{hours}"
    return f"UTC{'+' if sign > 0 else '-'}{hours:02d}:{minutes:02d}"


def parse_timezone(text: str) -> str | None:
    """Read a timezone as people type it (IANA name, city, or offset); None if not recognized."""
    cleaned = _normalize_place(text)
    if not cleaned:
        return None
    offset = _parse_offset(cleaned.replace(" ", ""))
    if offset is not None:
        return offset
    # "Berlin, Germany" or "Lyon, France": try the whole text, then each comma-separated part.
    for part in [cleaned, *text.split(",")]:
        zone = _zone_for_place(_normalize_place(part))
        if zone is not None:
            return zone
    return None


def _zone_for_place(place: str) -> str | None:
    by_name, cities = _zone_indexes()
    underscored = place.replace(" / ", "/").replace(" ", "_")
    if underscored in by_name:
        return by_name[underscored]
    spaced = place.replace("_", " ")
    if spaced in _PLACE_ZONES:
        return _PLACE_ZONES[spaced]
    return cities.get(spaced)


def choose_prompt(
    pool: Sequence[PromptT],
    seen_ids: Collection[str],
    weakest_theme: str | None = None,
    rng: random.Random | None = None,
) -> PromptT:
    """Pick today's prompt: none repeats until the whole pool was seen; lean to the weakest theme.

    When every prompt has been seen a new round starts; the caller then keeps only the returned
    prompt's id as seen (`seen_after`). Prompts of `weakest_theme` weigh three times as much, so
    the lean is gentle and other themes still come up.
    """
    if not pool:
        raise ValueError("the prompt pool is empty")
    chooser = rng if rng is not None else random.Random()
    unseen = [prompt for prompt in pool if prompt.id not in seen_ids]
    candidates = unseen or list(pool)
    weights = [3 if prompt.theme == weakest_theme else 1 for prompt in candidates]
    return chooser.choices(candidates, weights=weights, k=1)[0]


def seen_after(
    pool: Sequence[ThemedPrompt], seen_ids: Collection[str], chosen_id: str
) -> set[str]:
    """Return the seen ids to store after sending `chosen_id`, starting a new round when due."""
    pool_ids = {prompt.id for prompt in pool}
    seen = set(seen_ids) & pool_ids
    if pool_ids <= seen:
        # The chosen prompt opened a new round; only it counts as seen now.
        return {chosen_id}
    return seen | {chosen_id}
