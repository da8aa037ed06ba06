"""The crisis reply's shape for every kind and country: help first, then staying safe."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from content.errors import ContentError
from content.safety import CRISIS_KINDS, SafetyContent, parse_safety

RAW: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "content" / "safety.yaml").read_text("utf-8")
)
CONTENT = parse_safety(copy.deepcopy(RAW))
REGIONS = sorted(CONTENT.regions)


@pytest.mark.parametrize("code", REGIONS)
@pytest.mark.parametrize("kind", CRISIS_KINDS)
@pytest.mark.parametrize("helper", [False, True])
def test_the_numbers_are_within_the_first_three_lines(code: str, kind: str, helper: bool) -> None:
    """Line 2 is the emergency number, line 3 the first help line for this kind."""
    safety: SafetyContent = CONTENT
    resources = safety.resources_for(code)
    lines = safety.crisis_reply(kind, code, helper=helper).splitlines()
    assert resources.emergency in lines[1]
    first_line = resources.for_kind(kind)[0]
    assert first_line.contact in lines[2]


@pytest.mark.parametrize("kind", CRISIS_KINDS)
def test_every_reply_says_how_to_stay_safe_right_now_after_the_numbers(kind: str) -> None:
    """One line on immediate safety comes after the numbers, before the rest."""
    reply = CONTENT.crisis_reply(kind, "GB")
    safe_now = CONTENT.texts[f"safety.crisis.{kind}.safe_now"]
    more = CONTENT.texts[f"safety.crisis.{kind}.more"]
    last_number = CONTENT.resources_for("GB").for_kind(kind)[0].contact
    assert reply.index(last_number) < reply.index(safe_now) < reply.index(more)
    assert any(word in safe_now for word in ("near", "safer", "distance", "away"))


def test_a_helper_is_told_how_to_help_by_kind() -> None:
    """Suicide and self-harm: ask directly. Violence: don't confront."""
    assert "Are you thinking about ending your life?" in CONTENT.crisis_reply(
        "suicide", None, helper=True
    )
    assert "don't confront" in CONTENT.crisis_reply("violence", None, helper=True)
    assert "don't confront" in CONTENT.crisis_reply("sexual_violence", None, helper=True)


def test_an_opening_over_two_lines_is_refused() -> None:
    """The numbers would slip below the third line."""
    raw = copy.deepcopy(RAW)
    raw["texts"]["safety"]["crisis"]["fear"]["opening"] = "One.\nTwo."
    with pytest.raises(ContentError, match=r"crisis\.fear\.opening: must be a single line"):
        parse_safety(raw)
