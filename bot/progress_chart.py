"""Draws the /progress chart as a PNG that reads well on a phone screen."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta

import matplotlib

# No display on a server: choose the file-only backend before anything draws.
matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from flows.progress import ChartLabels, ProgressChart, ProgressPoint

# Telegram shows photos at the chat's width; 1080 px wide stays sharp on a phone without
# being heavy. Sizes below are in points at this dpi (1 pt = 100/72 px).
WIDTH_PX = 1080
DPI = 100
# Colour-blind-safe (Okabe-Ito), dark enough to read on white.
LINE_COLOURS = ("#0072B2", "#009E73", "#CC79A7", "#E69F00")
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#6B6B6B"
TRACK_COLOUR = "#ECECEC"
GRID_COLOUR = "#DDDDDD"
# Shown where a dimension had too few answers to score: a dash, not a zero.
NO_SCORE = "\u2013"
# With this many results or fewer, every result gets its own date tick and value label.
MAX_LABELLED_POINTS = 6


def _date_text(moment: datetime, with_year: bool) -> str:
    """A short date like '3 Mar' (or 'Mar 2025' when the chart spans a long time)."""
    if with_year:
        return moment.strftime("%b %Y")
    return f"{moment.day} {moment.strftime('%b')}"


def _style_axes(axes: Axes) -> None:
    """Strip the frame down to what carries information."""
    # The grid line at 0 already marks the bottom; a frame would only add ink.
    for side in ("top", "right", "left", "bottom"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors=MUTED_COLOUR, labelsize=17, length=0, pad=8)


def _header(figure: Figure, labels: ChartLabels, top_px: float, height_px: float) -> None:
    """Title, plus one line that says which end of the scale is which."""
    figure.text(
        0.05,
        1 - 40 / height_px,
        labels.title,
        fontsize=30,
        fontweight="bold",
        color=TEXT_COLOUR,
        va="top",
    )
    figure.text(
        0.05,
        1 - (top_px - 100) / height_px,
        f"0 = {labels.axis_low}    100 = {labels.axis_high}",
        fontsize=18,
        color=MUTED_COLOUR,
        va="baseline",
    )


def _render_over_time(points: Sequence[ProgressPoint], labels: ChartLabels) -> Figure:
    """Small multiples: one panel per dimension, each 0..100 over the dates of the results."""
    panels = len(labels.dimension_titles)
    # The header leaves room for the first panel's title, drawn above its axes.
    header_px, panel_px, gap_px, footer_px = 230, 240, 100, 70
    height_px = header_px + panels * panel_px + (panels - 1) * gap_px + footer_px
    figure = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, facecolor="white")
    _header(figure, labels, header_px, height_px)

    ordered = sorted(points, key=lambda p: p.taken_at)
    # x is days since the first result: plain floats keep the drawing free of date handling,
    # and the ticks are the results' own dates anyway.
    first_taken = ordered[0].taken_at
    x_values = [(p.taken_at - first_taken).total_seconds() / 86400 for p in ordered]
    span_days = x_values[-1] - x_values[0]
    with_year = span_days > 300
    # Keep a little room either side so the first and last markers are not cut in half.
    pad = max(span_days * 0.06, 1.5)
    few = len(ordered) <= MAX_LABELLED_POINTS

    left, right = 0.13, 0.95
    for index, (dimension_id, title) in enumerate(labels.dimension_titles):
        colour = LINE_COLOURS[index % len(LINE_COLOURS)]
        top = header_px + index * (panel_px + gap_px)
        axes = figure.add_axes(
            (left, 1 - (top + panel_px) / height_px, right - left, panel_px / height_px)
        )
        _style_axes(axes)
        scored = [
            (x, p.scores.get(dimension_id))
            for x, p in zip(x_values, ordered, strict=True)
            if p.scores.get(dimension_id) is not None
        ]
        xs = [x for x, _ in scored]
        ys = [float(y) for _, y in scored if y is not None]
        axes.set_ylim(-8, 112)
        axes.set_xlim(x_values[0] - pad, x_values[-1] + pad)
        axes.yaxis.set_major_locator(FixedLocator([0, 50, 100]))
        axes.grid(axis="y", color=GRID_COLOUR, linewidth=1.2)
        axes.set_axisbelow(True)
        if xs:
            axes.fill_between(xs, ys, 0, color=colour, alpha=0.10, linewidth=0)
            axes.plot(xs, ys, color=colour, linewidth=4.5, solid_capstyle="round", zorder=3)
            axes.plot(
                xs,
                ys,
                "o",
                color=colour,
                markersize=12 if few else 9,
                markeredgecolor="white",
                markeredgewidth=2.5,
                zorder=4,
            )
            # With many results the panel's headline number already gives the latest value.
            # Close-together results share their labels' room: keep the newest readable.
            spaced = set(_spaced_ticks(xs, pad, x_values)) if few else set()
            labelled = [(x, y) for x, y in zip(xs, ys, strict=True) if x in spaced]
            for x, y in labelled:
                # Values near the top go below the marker so they stay inside the panel.
                above = y < 82
                axes.annotate(
                    f"{y:.0f}",
                    (x, y),
                    xytext=(0, 14 if above else -16),
                    textcoords="offset points",
                    ha="center",
                    va="bottom" if above else "top",
                    fontsize=16,
                    color=TEXT_COLOUR,
                    fontweight="bold",
                    zorder=5,
                )
        latest = ordered[-1].scores.get(dimension_id)
        axes.set_title(
            title, loc="left", fontsize=23, fontweight="bold", color=TEXT_COLOUR, pad=14
        )
        axes.set_title(
            NO_SCORE if latest is None else f"{latest}",
            loc="right",
            fontsize=23,
            fontweight="bold",
            color=MUTED_COLOUR if latest is None else colour,
            pad=14,
        )
        axes.xaxis.set_major_locator(FixedLocator(_spaced_ticks(x_values, pad, x_values)))
        axes.xaxis.set_major_formatter(
            FuncFormatter(
                lambda value, _pos: _date_text(first_taken + timedelta(days=value), with_year)
            )
        )
        axes.grid(axis="x", color=GRID_COLOUR, linewidth=1, linestyle=(0, (2, 4)))
        # Dates repeat under every panel: with stacked panels on a phone, the eye should not
        # travel to the bottom to find when a point was taken.
        axes.tick_params(axis="x", labelsize=16)
    figure.text(
        0.035,
        1 - (header_px + (panels * panel_px + (panels - 1) * gap_px) / 2) / height_px,
        f"{labels.axis_low}  \u2192  {labels.axis_high}",
        rotation=90,
        fontsize=17,
        color=MUTED_COLOUR,
        ha="center",
        va="center",
    )
    return figure


def _spaced_ticks(x_values: Sequence[float], pad: float, all_x: Sequence[float]) -> list[float]:
    """Positions to label, dropping any that would print on top of a later one."""
    width = all_x[-1] - all_x[0] + 2 * pad
    # A short date like '17 Mar' takes about a tenth of the ~880 px wide panel.
    min_gap = width * 0.11
    kept: list[float] = []
    # Walk from the newest so the latest result always keeps its date.
    for x in reversed(x_values):
        if not kept or kept[-1] - x >= min_gap:
            kept.append(x)
    return sorted(kept)


def _render_single(point: ProgressPoint, labels: ChartLabels) -> Figure:
    """One result: a horizontal bar per dimension on the same 0..100 track."""
    rows = len(labels.dimension_titles)
    header_px, row_px, footer_px = 110, 170, 120
    height_px = header_px + rows * row_px + footer_px
    figure = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, facecolor="white")
    figure.text(
        0.05,
        1 - 40 / height_px,
        labels.title,
        fontsize=30,
        fontweight="bold",
        color=TEXT_COLOUR,
        va="top",
    )
    left, right = 0.05, 0.95
    axes = figure.add_axes((left, footer_px / height_px, right - left, rows * row_px / height_px))
    axes.set_xlim(0, 100)
    axes.set_ylim(rows - 0.35, -0.85)
    for side in ("top", "right", "left", "bottom"):
        axes.spines[side].set_visible(False)
    axes.set_yticks([])
    axes.xaxis.set_major_locator(FixedLocator([0, 50, 100]))
    axes.tick_params(axis="x", colors=MUTED_COLOUR, labelsize=17, length=0, pad=10)
    for row, (dimension_id, title) in enumerate(labels.dimension_titles):
        colour = LINE_COLOURS[row % len(LINE_COLOURS)]
        score = point.scores.get(dimension_id)
        axes.barh(row, 100, height=0.34, color=TRACK_COLOUR, zorder=1)
        axes.text(
            0,
            row - 0.33,
            title,
            fontsize=23,
            fontweight="bold",
            color=TEXT_COLOUR,
            va="bottom",
            ha="left",
        )
        axes.text(
            100,
            row - 0.33,
            NO_SCORE if score is None else f"{score}",
            fontsize=23,
            fontweight="bold",
            color=colour,
            va="bottom",
            ha="right",
        )
        if score is not None:
            axes.barh(row, max(score, 1), height=0.34, color=colour, zorder=2)
    axes.axvline(50, color="white", linewidth=2, zorder=3)
    figure.text(
        left,
        38 / height_px,
        labels.axis_low,
        fontsize=18,
        color=MUTED_COLOUR,
        ha="left",
        va="bottom",
    )
    figure.text(
        right,
        38 / height_px,
        labels.axis_high,
        fontsize=18,
        color=MUTED_COLOUR,
        ha="right",
        va="bottom",
    )
    return figure


def render_progress_chart(points: Sequence[ProgressPoint], labels: ChartLabels) -> bytes:
    """PNG of each dimension over time; a single result is drawn as bars of its own."""
    if not points:
        raise ValueError("a progress chart needs at least one result")
    if not labels.dimension_titles:
        raise ValueError("a progress chart needs at least one dimension")
    if len(points) == 1:
        figure = _render_single(points[0], labels)
    else:
        figure = _render_over_time(points, labels)
    # Figure + an explicit Agg canvas, not pyplot: no global figure registry to leak memory
    # in a long-running bot, and safe to call from any thread.
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def render_chart(spec: ProgressChart) -> bytes:
    """The adapter's entry point: draw a `Reply(chart=ProgressChart(...))` as a PNG."""
    return render_progress_chart(spec.points, spec.labels)
