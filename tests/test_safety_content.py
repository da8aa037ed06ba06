"""Tests for content/safety.yaml and its parser: resources by country, texts, validation."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from content.errors import ContentError
from content.safety import (
    CRISIS_KINDS,
    MAX_LINES_PER_REPLY,
    MAX_REPLY_CHARS,
    SafetyContent,
    parse_safety,
)
from flows.crisis import CrisisKind

RAW: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "content" / "safety.yaml").read_text("utf-8")
)


@pytest.fixture(scope="module")
def safety() -> SafetyContent:
    """The real safety content."""
    return parse_safety(copy.deepcopy(RAW))


def test_content_kinds_match_the_detector() -> None:
    """content/ spells the kinds out so it never imports flows; they must stay in step."""
    assert set(CRISIS_KINDS) == {kind.value for kind in CrisisKind}


REQUIRED_REGIONS = {
    *("US", "CA", "GB", "IE", "AU", "NZ", "IN", "DE", "FR", "ES", "IT", "NL", "BR", "MX"),
    *("ZA", "PH", "NG", "GB-SCT", "GB-WLS", "GB-NIR"),
}


def test_required_countries_are_present_with_their_own_lines(safety: SafetyContent) -> None:
    """A default plus every country (and UK nation) the issue names, each with a line."""
    assert {"default", *REQUIRED_REGIONS} <= set(safety.regions)
    for code in REQUIRED_REGIONS:
        assert safety.regions[code].lines, code


def test_every_line_says_where_it_was_checked_and_when(safety: SafetyContent) -> None:
    """A number without its source and a checked-on date is not allowed in content."""
    for code, region in safety.regions.items():
        for line in region.lines:
            assert line.source.startswith("https://"), (code, line.name)
            assert line.verified is not None, (code, line.name)


@pytest.mark.parametrize("code", [None, "", "XX", "default", "us", " gb ", "Gb"])
def test_resources_fall_back_to_default_and_ignore_case(
    safety: SafetyContent, code: str | None
) -> None:
    """Unknown or missing codes get the default; known ones in any case get their own."""
    resources = safety.resources_for(code)
    known = (code or "").strip().upper()
    if known in {"US", "GB"}:
        assert resources.emergency == safety.regions[known].emergency
    else:
        assert resources == safety.regions["default"]


@pytest.mark.parametrize("code", ["US", "GB", "DE", "IN", "AU", "CA"])
def test_a_country_adds_its_lines_before_the_default_ones(
    safety: SafetyContent, code: str
) -> None:
    """Local lines come first; findahelpline.com is always there."""
    lines = safety.resources_for(code).lines
    assert lines[: len(safety.regions[code].lines)] == safety.regions[code].lines
    assert any("findahelpline.com" in line.contact for line in lines)


@pytest.mark.parametrize("code", [None, *sorted(REQUIRED_REGIONS)])
@pytest.mark.parametrize("kind", CRISIS_KINDS)
def test_every_crisis_reply_puts_emergency_help_and_lines_first(
    safety: SafetyContent, code: str | None, kind: str
) -> None:
    """Each reply acknowledges, says Tandem is not a crisis service, then lists where to turn:
    the emergency number and at most MAX_LINES_PER_REPLY lines, one per line of text."""
    reply = safety.crisis_reply(kind, code)
    resources = safety.resources_for(code)
    assert resources.emergency in reply
    assert "not a crisis service" in reply
    assert len(reply) <= MAX_REPLY_CHARS
    shown = resources.for_kind(kind)
    assert 1 <= len(shown) <= MAX_LINES_PER_REPLY
    listing = safety.resources_text(code, kind).splitlines()
    assert len(listing) == 2 + len(shown)  # intro, emergency, then the lines
    assert all(line.contact in text for line, text in zip(shown, listing[2:], strict=True))


def test_violence_replies_name_a_domestic_violence_line_where_one_is_listed(
    safety: SafetyContent,
) -> None:
    """Countries with a violence-only line show it for violence, not for suicide."""
    us_violence = safety.crisis_reply("violence", "US")
    us_suicide = safety.crisis_reply("suicide", "US")
    assert "Domestic Violence" in us_violence
    assert "Domestic Violence" not in us_suicide
    assert "988" in us_suicide


def test_lines_for_everyone_come_before_lines_for_a_group(safety: SafetyContent) -> None:
    """In a reply, specialised lines for anyone lead; lines for children or LGBTQ+ follow."""
    suicide = safety.resources_for("US").for_kind("suicide")
    assert [line.audience for line in suicide[:2]] == [frozenset(), frozenset()]
    assert "988" in suicide[0].contact
    sexual = safety.resources_for("US").for_kind("sexual_violence")
    assert "RAINN" in sexual[0].name


def test_a_uk_nation_gets_its_own_lines_first(safety: SafetyContent) -> None:
    """Someone in Scotland sees Scotland's helpline first; the UK's emergency number stays."""
    for code, expected in [
        ("GB-SCT", "0800 027 1234"),
        ("GB-WLS", "0808 80 10 800"),
        ("GB-NIR", "0808 802 1414"),
    ]:
        resources = safety.resources_for(code)
        assert resources.emergency == "999"
        assert expected in resources.for_kind("violence")[0].contact, code
    # An unknown part of a known country gets the country's lines.
    assert safety.resources_for("GB-ENG").lines[: len(safety.regions["GB"].lines)] == (
        safety.regions["GB"].lines
    )
    # Someone who only said GB still finds every nation's lines in /sos.
    sos = safety.resources_text("GB")
    for code in ("GB-SCT", "GB-WLS", "GB-NIR"):
        for line in safety.regions[code].lines:
            assert line.contact in sos


def test_sos_shows_every_line(safety: SafetyContent) -> None:
    """/sos lists all lines of the region, whatever their kinds."""
    text = safety.resources_text("GB")
    for line in safety.resources_for("GB").lines:
        assert line.contact in text


def test_texts_are_plain_and_short(safety: SafetyContent) -> None:
    """No Markdown, and every text far below Telegram's 4096-character limit."""
    for key, text in safety.texts.items():
        assert len(text) < 2000, key
        assert "**" not in text and "__" not in text, key


def _broken(change: Any) -> list[str]:
    raw = copy.deepcopy(RAW)
    change(raw)
    with pytest.raises(ContentError) as info:
        parse_safety(raw)
    return str(info.value).splitlines()


def test_missing_default_is_reported() -> None:
    """Without a default region nobody outside the listed countries gets help."""
    problems = _broken(lambda raw: raw["resources"].pop("default"))
    assert any("resources.default: missing" in p for p in problems)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda raw: raw["resources"].update(usa={"emergency": "911"}), "two-letter ISO code"),
        (lambda raw: raw["resources"]["GB"].pop("emergency"), "'emergency' must be"),
        (
            lambda raw: raw["resources"]["GB"]["lines"][0].update(kinds=["panic"]),
            "unknown kinds",
        ),
        (
            lambda raw: raw["resources"]["GB"]["lines"][0].update(kind=["suicide"]),
            "unknown fields",
        ),
        (lambda raw: raw["resources"]["GB"]["lines"][0].pop("contact"), "'contact' must be"),
        (
            lambda raw: raw["texts"]["safety"]["crisis"].pop("violence"),
            "crisis.violence.opening: missing",
        ),
        (
            lambda raw: raw["texts"]["safety"].update(emergency="Call now"),
            "safety.emergency: placeholders [], expected ['emergency']",
        ),
        (lambda raw: raw["texts"].update(menu={"x": "y"}), "keys here start with"),
        (lambda raw: raw["texts"]["delete"].update(done=""), "must be a non-empty string"),
        (
            lambda raw: raw["texts"]["safety"]["crisis"]["suicide"].update(more="x" * 4000),
            f"at most {MAX_REPLY_CHARS}",
        ),
        (lambda raw: raw["resources"]["GB"]["lines"][0].pop("source"), "'source' must be"),
        (
            lambda raw: raw["resources"]["GB"]["lines"][0].update(source="samaritans.org"),
            "'source' must be",
        ),
        (lambda raw: raw["resources"]["GB"]["lines"][0].pop("verified"), "'verified' must be"),
        (
            lambda raw: raw["resources"]["GB"]["lines"][0].update(verified="last week"),
            "'verified' must be",
        ),
        (
            lambda raw: raw["resources"]["default"]["lines"][0].pop("verified"),
            "'verified' must be",
        ),
        (
            lambda raw: raw["resources"]["GB"]["lines"][0].update(audience=["teens"]),
            "unknown audience",
        ),
        (
            lambda raw: raw["resources"].update({"XX-ABC": {"lines": []}}),
            "part of a country that is not listed",
        ),
    ],
)
def test_malformed_content_is_reported_in_one_readable_line(change: Any, expected: str) -> None:
    """Every problem names the file and key and says what is wrong."""
    problems = _broken(change)
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith("safety.yaml") for problem in problems)


def test_yaml_booleans_as_keys_are_caught() -> None:
    """`yes:` in YAML is a boolean; a required key written that way shows up as missing."""
    problems = _broken(lambda raw: raw["texts"]["delete"].update({True: "Yes"}))
    assert any("key True is not text (quote it in YAML)" in p for p in problems)
