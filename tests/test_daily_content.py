"""The daily prompt pool and its texts: shape, tone, and the validator's error reports."""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

import pytest
import yaml

from content.daily import (
    DAILY_THEMES,
    DAILY_YAML,
    MAX_PROMPT_CHARS,
    TEXT_PLACEHOLDERS,
    load_daily,
    parse_daily,
    placeholders_of,
)
from content.errors import ContentError
from flows.daily_schedule import zone_for

# Words that count days, shame or guilt-trip; none belong in a daily prompt or its texts.
GUILT_WORDS = re.compile(
    r"\b(missed|miss a day|streak|failed|forgot|should have|you haven't|behind|overdue|"
    r"disappoint\w*|lazy)\b",
    re.IGNORECASE,
)
# Clinical labels stay out of everyday prompts; Tandem is self-help, not a diagnosis.
CLINICAL_WORDS = re.compile(r"\b(codependen\w*|disorder|symptom\w*|diagnos\w*)\b", re.I)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The daily.yaml file as loaded, before validation."""
    data = yaml.safe_load(DAILY_YAML.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_real_file_is_valid_and_big_enough() -> None:
    content = load_daily()
    assert len(content.prompts) >= 120
    per_theme = Counter(prompt.theme for prompt in content.prompts)
    assert set(per_theme) == set(DAILY_THEMES)
    assert min(per_theme.values()) >= 20
    assert set(content.texts) == set(TEXT_PLACEHOLDERS)


def test_prompts_are_short_unique_questions_or_invitations() -> None:
    content = load_daily()
    texts = [prompt.text for prompt in content.prompts]
    assert len(set(texts)) == len(texts)
    for prompt in content.prompts:
        assert len(prompt.text) <= MAX_PROMPT_CHARS
        # One small step for today: short enough to answer in a line or two.
        assert len(prompt.text.split()) <= 30, prompt.id
        assert prompt.text.endswith(("?", ".")), prompt.id


def test_several_prompts_point_toward_real_people() -> None:
    people = re.compile(r"\b(someone|friend|people|person|them|they|who)\b", re.IGNORECASE)
    toward_people = [p for p in load_daily().prompts if people.search(p.text)]
    assert len(toward_people) >= 15


def test_tone_never_guilt_or_clinical() -> None:
    content = load_daily()
    for prompt in content.prompts:
        assert not GUILT_WORDS.search(prompt.text), prompt.id
        assert not CLINICAL_WORDS.search(prompt.text), prompt.id
    for key, text in content.texts.items():
        assert not GUILT_WORDS.search(text), key


def test_notification_is_neutral_on_a_lock_screen() -> None:
    template = load_daily().texts["daily.notification"]
    first_line = template.splitlines()[0]
    # The preview line is fixed wording: nothing personal can appear in it.
    assert placeholders_of(first_line) == set()
    assert "reflection" in first_line.lower()
    assert placeholders_of(template) == {"prompt"}


def test_templates_fill_without_errors() -> None:
    content = load_daily()
    sample = {
        "prompt": content.prompts[0].text,
        "time": "08:30",
        "zone": "Europe/Berlin",
        "when": "tomorrow at 08:30",
        "days": 3,
        "date": "Friday 6 June",
        "answer": "A line or two.",
    }
    for key, text in content.texts.items():
        filled = text.format(**{name: sample[name] for name in TEXT_PLACEHOLDERS[key]})
        assert "{" not in filled and len(filled) < 1000, key
    assert content.texts["daily.button.answer"] == "Answer now"
    assert content.texts["daily.button.not_today"] == "Not today"
    assert content.texts["daily.button.pause"] == "Pause"


def test_choices_are_usable() -> None:
    content = load_daily()
    assert content.time_choices and content.pause_choices
    for choice in content.timezone_choices:
        zone_for(choice.zone)
    assert content.prompt_by_id(content.prompts[3].id) == content.prompts[3]
    assert content.prompt_by_id("daily-gone-99") is None


def _broken(raw: dict[str, Any], change: str) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    prompts, texts = data["prompts"], data["texts"]
    if change == "duplicate id":
        prompts[1]["id"] = prompts[0]["id"]
    elif change == "bad theme":
        prompts[0]["theme"] = "romance"
    elif change == "too long":
        prompts[0]["text"] = "Why? " * 60
    elif change == "braces":
        prompts[0]["text"] = "What is {this}?"
    elif change == "too few":
        data["prompts"] = prompts[:30]
    elif change == "theme short":
        data["prompts"] = [p for p in prompts if p["theme"] != "balance"] + [
            p for p in prompts if p["theme"] == "balance"
        ][:5]
    elif change == "missing text":
        del texts["daily.button.pause"]
    elif change == "unused text":
        texts["daily.unused.thing"] = "Hello"
    elif change == "wrong prefix":
        texts["reflection.intro"] = "Hello"
    elif change == "placeholder":
        texts["daily.notification"] = "Your reflection for today is here. {answer}"
    elif change == "bad braces":
        texts["daily.time.ask"] = "What time {"
    elif change == "bad time":
        data["time_choices"] = ["25:00"]
    elif change == "bad zone":
        data["timezone_choices"] = [{"zone": "Mars/Base", "label": "Mars"}]
    elif change == "bad pause":
        data["pause_choices"] = [0, True]
    elif change == "unknown key":
        data["extras"] = []
    elif change == "extra field":
        prompts[0]["mood"] = "sunny"
    elif change == "id theme mismatch":
        prompts[0]["id"] = "daily-balance-99"
    return data


# (change, a phrase the error must contain)
BROKEN_CASES = [
    ("duplicate id", "duplicate id"),
    ("bad theme", "theme must be one of"),
    ("too long", "at most 200"),
    ("braces", "must not contain braces"),
    ("too few", "at least 120 needed"),
    ("theme short", "theme balance has 5 prompts"),
    ("missing text", "daily.button.pause is missing"),
    ("unused text", "daily.unused.thing is not used"),
    ("wrong prefix", "must start with 'daily.'"),
    ("placeholder", "must use placeholders ['prompt']"),
    ("bad braces", "malformed braces"),
    ("bad time", "not a valid time"),
    ("bad zone", "not an IANA timezone"),
    ("bad pause", "must be from 1 to 90"),
    ("unknown key", "unknown top-level key 'extras'"),
    ("extra field", "unknown fields: mood"),
    ("id theme mismatch", "should start with 'daily-boundaries-'"),
]


@pytest.mark.parametrize(("change", "phrase"), BROKEN_CASES, ids=[c for c, _ in BROKEN_CASES])
def test_validator_reports_each_problem(raw: dict[str, Any], change: str, phrase: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_daily(_broken(raw, change))
    assert phrase in str(caught.value)


@pytest.mark.parametrize("value", [None, [], "prompts", 3])
def test_non_mapping_file_is_refused(value: object) -> None:
    with pytest.raises(ContentError, match="must be a mapping"):
        parse_daily(value)


def test_all_problems_are_reported_together(raw: dict[str, Any]) -> None:
    data = _broken(_broken(raw, "bad theme"), "missing text")
    with pytest.raises(ContentError) as caught:
        parse_daily(data)
    assert len(str(caught.value).splitlines()) >= 2
