"""The /progress chart is a decodable PNG of phone-friendly size for one or many results."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from bot.progress_chart import render_progress_chart
from flows.progress import ChartLabels, ProgressPoint

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LABELS = ChartLabels(
    title="Your self-check over time",
    axis_low="leaning codependent",
    axis_high="leaning interdependent",
    dimension_titles=(
        ("boundaries", "Emotional boundaries"),
        ("self-worth", "Self-worth"),
        ("communication", "Communication"),
        ("balance", "Time together and apart"),
    ),
)
START = datetime(2025, 3, 3, 18, 30, tzinfo=UTC)


def _point(days: int, boundaries: int | None, rest: int) -> ProgressPoint:
    """A result taken `days` after START."""
    return ProgressPoint(
        taken_at=START + timedelta(days=days),
        scores={
            "boundaries": boundaries,
            "self-worth": rest,
            "communication": rest + 5,
            "balance": 100 - rest,
        },
    )


def _decode(png: bytes) -> Image.Image:
    """Open the PNG fully, failing the test if it is not a valid image."""
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    return image


def _distinct_colours(image: Image.Image) -> int:
    """How many colours the picture uses (a blank canvas uses one)."""
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None
    return len(colours)


def test_single_result_is_its_own_chart() -> None:
    """One result draws as a phone-width picture with something on it."""
    image = _decode(render_progress_chart([_point(0, 35, 40)], LABELS))
    width, height = image.size
    assert width == 1080
    assert 600 <= height <= 1600
    assert _distinct_colours(image) > 20


@pytest.mark.parametrize("count", [2, 5, 24])
def test_several_results_chart_over_time(count: int) -> None:
    """Two, a few, or many results draw a taller phone-width picture."""
    points = [_point(days=10 * i, boundaries=20 + 3 * i, rest=30 + i) for i in range(count)]
    image = _decode(render_progress_chart(points, LABELS))
    width, height = image.size
    assert width == 1080
    assert 1000 <= height <= 2200
    assert _distinct_colours(image) > 20


def test_results_out_of_order_and_on_the_same_day() -> None:
    """Order does not matter and two takes on one day do not break the axis."""
    points = [_point(3, 50, 50), _point(0, 40, 40), _point(0, 45, 42)]
    image = _decode(render_progress_chart(points, LABELS))
    assert image.size[0] == 1080


def test_a_dimension_without_a_score_is_left_out_of_its_line() -> None:
    """A result with too few answers in one area still charts the others."""
    points = [_point(0, None, 40), _point(14, 55, 50), _point(28, None, 60)]
    image = _decode(render_progress_chart(points, LABELS))
    assert image.size[0] == 1080
    single = _decode(render_progress_chart([_point(0, None, 40)], LABELS))
    assert single.size[0] == 1080


def test_a_chart_needs_something_to_show() -> None:
    """No results is the caller's case to handle with words, not a blank picture."""
    with pytest.raises(ValueError):
        render_progress_chart([], LABELS)
