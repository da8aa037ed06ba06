"""The self-check content file parses, reads kindly, and the parser rejects broken content."""

from __future__ import annotations

import copy
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from content.errors import ContentError
from content.selfcheck import SelfCheckContent, parse_selfcheck

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"
DIMENSION_IDS = ["boundaries", "self-worth", "communication", "balance"]
# Words that shame, count days, or diagnose have no place in what the person reads.
UNKIND_WORDS = re.compile(
    r"\b(streak|missed|miss a|failed|fail|should have|disorder|symptom|patient|unhealthy|"
    r"toxic|broken|wrong with you)\b",
    re.IGNORECASE,
)


def _raw() -> dict[str, Any]:
    """The shipped YAML, freshly loaded so tests can break their own copy."""
    loaded: dict[str, Any] = yaml.safe_load(
        (CONTENT_DIR / "selfcheck.yaml").read_text(encoding="utf-8")
    )
    return loaded


@pytest.fixture(name="content")
def fixture_content() -> SelfCheckContent:
    """The parsed shipped content."""
    return parse_selfcheck(_raw())


def _all_texts(content: SelfCheckContent) -> list[str]:
    """Every string the person can read."""
    texts = list(content.scale) + list(content.texts.values())
    texts += [item.text for item in content.items]
    for d in content.dimensions:
        texts += [d.title, d.low, d.middle, d.high, d.suggestion]
    return texts


def test_shipped_content_has_four_dimensions_in_order(content: SelfCheckContent) -> None:
    """The four seed dimensions, with the ids reflection themes and practice use."""
    assert [d.id for d in content.dimensions] == DIMENSION_IDS
    assert len(content.scale) == 5


def test_each_dimension_has_five_statements_in_both_directions(
    content: SelfCheckContent,
) -> None:
    """At least 5 per dimension, at least 20 in all, some reverse-scored in each."""
    assert len(content.items) >= 20
    for dimension_id in DIMENSION_IDS:
        own = [item for item in content.items if item.dimension == dimension_id]
        assert len(own) >= 5, dimension_id
        assert {item.reverse for item in own} == {True, False}, dimension_id


def test_statements_are_first_person(content: SelfCheckContent) -> None:
    """Each statement speaks as the person ("I ..."), so agreeing reads naturally."""
    for item in content.items:
        assert re.search(r"\b(I|me|my)\b", item.text), item.id


def test_suggestion_buttons_point_at_existing_reflection_themes(
    content: SelfCheckContent,
) -> None:
    """A suggestion button must start a theme that exists in the reflection content."""
    reflection = yaml.safe_load((CONTENT_DIR / "reflection.yaml").read_text(encoding="utf-8"))
    theme_ids = {theme["id"] for theme in reflection["themes"]}
    for dimension in content.dimensions:
        assert dimension.reflect_theme in theme_ids, dimension.id
        assert dimension.practice_dimension in DIMENSION_IDS, dimension.id


def test_no_shaming_or_diagnostic_words(content: SelfCheckContent) -> None:
    """No streaks, no missed days, no clinical labels anywhere the person reads."""
    for text in _all_texts(content):
        assert not UNKIND_WORDS.search(text), text


def test_result_and_intro_say_it_is_not_a_diagnosis(content: SelfCheckContent) -> None:
    """The framing is part of the content, not an afterthought: a reflection aid written for
    Tandem, not a validated test and not a diagnosis."""
    for key in ("selfcheck.intro", "selfcheck.result_intro"):
        for phrase in ("not a diagnosis", "reflection aid written for Tandem", "not a validated"):
            assert phrase in content.texts[key], (key, phrase)


def test_scale_labels_fit_a_phone_button(content: SelfCheckContent) -> None:
    """Short enough that Telegram does not cut them off."""
    assert all(len(label) <= 24 for label in content.scale)


def test_texts_are_well_formed_format_strings(content: SelfCheckContent) -> None:
    """Every {placeholder} parses, so a typo fails here and not in front of a person."""
    for key, text in content.texts.items():
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name]
        assert all(name.isidentifier() for name in fields), key


def test_all_texts_are_short(content: SelfCheckContent) -> None:
    """Far below Telegram's 4096-character limit, even with a statement filled in."""
    assert max(len(text) for text in _all_texts(content)) < 600


def _break(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """A copy of the shipped YAML with one thing broken."""
    raw = copy.deepcopy(_raw())
    change(raw)
    return raw


def _duplicate_item_id(raw: dict[str, Any]) -> None:
    raw["items"][1]["id"] = raw["items"][0]["id"]


def _too_few_items(raw: dict[str, Any]) -> None:
    raw["items"] = [
        i for i in raw["items"] if i["dimension"] != "balance" or i["id"] == "balance-1"
    ]


def _one_direction_only(raw: dict[str, Any]) -> None:
    for item in raw["items"]:
        if item["dimension"] == "communication":
            item["reverse"] = False


def _unknown_dimension(raw: dict[str, Any]) -> None:
    raw["items"][0]["dimension"] = "elsewhere"


def _four_point_scale(raw: dict[str, Any]) -> None:
    raw["scale"] = raw["scale"][:4]


def _thresholds_reversed(raw: dict[str, Any]) -> None:
    raw["scoring"]["middle_from"] = 80


def _text_key_without_prefix(raw: dict[str, Any]) -> None:
    raw["texts"]["intro"] = "Hello"


def _missing_suggestion(raw: dict[str, Any]) -> None:
    del raw["dimensions"][0]["suggestion"]


def _duplicate_dimension(raw: dict[str, Any]) -> None:
    raw["dimensions"].append(copy.deepcopy(raw["dimensions"][0]))


def _reverse_not_boolean(raw: dict[str, Any]) -> None:
    raw["items"][0]["reverse"] = "yes"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_duplicate_item_id, "used 2 times"),
        (_too_few_items, "needs at least 4"),
        (_one_direction_only, "both directions"),
        (_unknown_dimension, "unknown dimension"),
        (_four_point_scale, "exactly 5"),
        (_thresholds_reversed, "middle_from < high_from"),
        (_text_key_without_prefix, "must start with"),
        (_missing_suggestion, "'suggestion'"),
        (_duplicate_dimension, "dimensions: id"),
        (_reverse_not_boolean, "'reverse' must be true or false"),
    ],
)
def test_broken_content_is_rejected_with_a_readable_reason(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    """Each kind of mistake names itself in the ContentError."""
    with pytest.raises(ContentError, match=re.escape(message)):
        parse_selfcheck(_break(change))


def test_every_problem_is_reported_at_once() -> None:
    """Authors fix everything in one pass, not one error per run."""

    def two_problems(raw: dict[str, Any]) -> None:
        _four_point_scale(raw)
        _unknown_dimension(raw)

    with pytest.raises(ContentError) as caught:
        parse_selfcheck(_break(two_problems))
    assert "exactly 5" in str(caught.value)
    assert "unknown dimension" in str(caught.value)


def test_explanation_by_band(content: SelfCheckContent) -> None:
    """Each band has its own explanation; an unknown band is a programming error."""
    dimension = content.dimension("boundaries")
    assert {dimension.explanation(b) for b in ("low", "middle", "high")} == {
        dimension.low,
        dimension.middle,
        dimension.high,
    }
    with pytest.raises(ValueError):
        dimension.explanation("extreme")
