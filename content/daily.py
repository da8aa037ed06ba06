"""Daily reflection prompts and the texts around them, parsed and validated from daily.yaml."""

from __future__ import annotations

import re
import string
import zoneinfo
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

import yaml

from content.errors import ContentError

DAILY_YAML = Path(__file__).with_name("daily.yaml")

# The four dimensions of the seed article, recognizing the pattern and where it started (the
# home one grew up in); same ids as reflection.
DAILY_THEMES: tuple[str, ...] = (
    "boundaries",
    "self-worth",
    "communication",
    "balance",
    "pattern",
    "origins",
)
MIN_PROMPTS_PER_THEME = 20
MIN_PROMPTS = MIN_PROMPTS_PER_THEME * len(DAILY_THEMES)
MAX_PROMPT_CHARS = 200
# Far below Telegram's 4096 so a filled-in template never comes near the limit.
MAX_TEXT_CHARS = 600
MAX_BUTTON_CHARS = 40
MAX_PAUSE_DAYS = 90

_PROMPT_ID = re.compile(r"^daily-[a-z-]+-\d{2}$")

# Every text key the daily feature uses, with exactly the placeholders the code fills in.
# A key missing here or in the YAML, or a placeholder that does not match, is a content error.
TEXT_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "daily.notification": frozenset({"prompt"}),
    "daily.button.answer": frozenset(),
    "daily.button.not_today": frozenset(),
    "daily.button.pause": frozenset(),
    "daily.answer.ask": frozenset({"prompt"}),
    "daily.answer.saved": frozenset(),
    "daily.answer.not_stored": frozenset(),
    "daily.not_today.done": frozenset({"when"}),
    "daily.command": frozenset(),
    "daily.menu_item": frozenset(),
    "daily.open_journal": frozenset(),
    "daily.journal.entry": frozenset({"prompt", "answer"}),
    "daily.settings.off": frozenset(),
    "daily.settings.on": frozenset({"time", "zone", "when"}),
    "daily.settings.paused": frozenset({"when"}),
    "daily.button.turn_on": frozenset(),
    "daily.button.turn_off": frozenset(),
    "daily.button.change_time": frozenset(),
    "daily.button.change_zone": frozenset(),
    "daily.button.pause_days": frozenset(),
    "daily.button.skip_tomorrow": frozenset(),
    "daily.button.resume": frozenset(),
    "daily.button.close": frozenset(),
    "daily.button.days": frozenset({"days"}),
    "daily.time.ask": frozenset(),
    "daily.time.invalid": frozenset(),
    "daily.zone.ask": frozenset(),
    "daily.zone.invalid": frozenset(),
    "daily.zone.fixed_note": frozenset(),
    "daily.pause.ask": frozenset(),
    "daily.pause.invalid": frozenset(),
    "daily.confirm.on": frozenset({"time", "zone", "when"}),
    "daily.confirm.time": frozenset({"time", "when"}),
    "daily.confirm.zone": frozenset({"zone", "when"}),
    "daily.confirm.paused": frozenset({"when"}),
    "daily.confirm.skipped": frozenset({"when"}),
    "daily.confirm.resumed": frozenset({"when"}),
    "daily.confirm.off": frozenset(),
    "daily.confirm.closed": frozenset(),
    "daily.when.today": frozenset({"time"}),
    "daily.when.tomorrow": frozenset({"time"}),
    "daily.when.later": frozenset({"date", "time"}),
    "daily.onboarding.ask": frozenset(),
    "daily.button.opt_in": frozenset(),
    "daily.button.opt_out": frozenset(),
    "daily.onboarding.declined": frozenset(),
}


@dataclass(frozen=True)
class DailyPrompt:
    """One small question for today, tagged with the theme it belongs to. `confronts` marks a
    prompt that nudges toward telling someone no or raising something hard with them."""

    id: str
    theme: str
    text: str
    confronts: bool = False


@dataclass(frozen=True)
class TimezoneChoice:
    """A timezone offered as a button: the IANA name stored and the label shown."""

    zone: str
    label: str


@dataclass(frozen=True)
class DailyContent:
    """Everything the daily-prompt feature shows: the prompt pool, button values and texts."""

    prompts: tuple[DailyPrompt, ...]
    time_choices: tuple[time, ...]
    timezone_choices: tuple[TimezoneChoice, ...]
    pause_choices: tuple[int, ...]
    texts: Mapping[str, str]

    def prompt_by_id(self, prompt_id: str) -> DailyPrompt | None:
        """Return the prompt with this id, or None if it no longer exists."""
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        return None


def placeholders_of(text: str) -> set[str]:
    """Return the str.format field names used in a text (raises ValueError on bad braces)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _parse_prompts(raw: Any, problems: list[str]) -> tuple[DailyPrompt, ...]:
    if not isinstance(raw, list):
        problems.append("daily: 'prompts' must be a list")
        return ()
    prompts: list[DailyPrompt] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"daily: prompts[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be a mapping with id, theme and text")
            continue
        extra = set(item) - {"id", "theme", "text", "confronts"}
        if extra:
            problems.append(f"{where} has unknown fields: {', '.join(sorted(map(str, extra)))}")
        prompt_id, theme, text = item.get("id"), item.get("theme"), item.get("text")
        if not isinstance(prompt_id, str) or not _PROMPT_ID.match(prompt_id):
            problems.append(f"{where}: id must look like 'daily-<theme>-NN', got {prompt_id!r}")
            continue
        where = f"daily: prompt {prompt_id}"
        if prompt_id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(prompt_id)
        if theme not in DAILY_THEMES:
            problems.append(f"{where}: theme must be one of {', '.join(DAILY_THEMES)}")
            continue
        if not prompt_id.startswith(f"daily-{theme}-"):
            problems.append(f"{where}: id should start with 'daily-{theme}-' to match its theme")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: text must be a non-empty string")
            continue
        text = text.strip()
        if len(text) > MAX_PROMPT_CHARS:
            problems.append(f"{where}: text is {len(text)} chars, at most {MAX_PROMPT_CHARS}")
        if "{" in text or "}" in text:
            # Prompts are inserted into templates; braces would read as placeholders.
            problems.append(f"{where}: text must not contain braces")
        confronts = item.get("confronts", False)
        if not isinstance(confronts, bool):
            problems.append(f"{where}: confronts must be true or false")
            confronts = False
        prompts.append(DailyPrompt(id=prompt_id, theme=theme, text=text, confronts=confronts))
    if len(raw) < MIN_PROMPTS:
        problems.append(f"daily: {len(raw)} prompts, at least {MIN_PROMPTS} needed")
    per_theme = Counter(prompt.theme for prompt in prompts)
    for theme in DAILY_THEMES:
        if per_theme[theme] < MIN_PROMPTS_PER_THEME:
            problems.append(
                f"daily: theme {theme} has {per_theme[theme]} prompts, "
                f"at least {MIN_PROMPTS_PER_THEME} needed"
            )
    return tuple(prompts)


def _parse_time_choices(raw: Any, problems: list[str]) -> tuple[time, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("daily: 'time_choices' must be a non-empty list of HH:MM strings")
        return ()
    choices: list[time] = []
    for value in raw:
        if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
            problems.append(f"daily: time choice {value!r} must be an HH:MM string")
            continue
        try:
            choices.append(time.fromisoformat(value))
        except ValueError:
            problems.append(f"daily: time choice {value!r} is not a valid time of day")
    return tuple(choices)


def _parse_timezone_choices(raw: Any, problems: list[str]) -> tuple[TimezoneChoice, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("daily: 'timezone_choices' must be a non-empty list of {zone, label}")
        return ()
    choices: list[TimezoneChoice] = []
    for item in raw:
        if not isinstance(item, dict) or set(item) != {"zone", "label"}:
            problems.append(f"daily: timezone choice {item!r} must have exactly zone and label")
            continue
        zone, label = item["zone"], item["label"]
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_BUTTON_CHARS:
            problems.append(f"daily: timezone choice {zone!r} needs a short label")
            continue
        if not isinstance(zone, str) or zone not in zoneinfo.available_timezones():
            problems.append(f"daily: timezone choice {zone!r} is not an IANA timezone name")
            continue
        choices.append(TimezoneChoice(zone=zone, label=label.strip()))
    return tuple(choices)


def _parse_pause_choices(raw: Any, problems: list[str]) -> tuple[int, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("daily: 'pause_choices' must be a non-empty list of day counts")
        return ()
    choices: list[int] = []
    for value in raw:
        # bool is an int subclass; "true" days would be a typo, not a choice.
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"daily: pause choice {value!r} must be a whole number of days")
        elif not 1 <= value <= MAX_PAUSE_DAYS:
            problems.append(f"daily: pause choice {value} must be from 1 to {MAX_PAUSE_DAYS}")
        else:
            choices.append(value)
    return tuple(choices)


def _parse_texts(raw: Any, problems: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.append("daily: 'texts' must be a mapping of key to text")
        return {}
    texts: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not key.startswith("daily."):
            problems.append(f"daily: text key {key!r} must start with 'daily.'")
            continue
        if key not in TEXT_PLACEHOLDERS:
            problems.append(f"daily: text key {key} is not used by the daily feature")
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f"daily: text {key} must be a non-empty string")
            continue
        limit = MAX_BUTTON_CHARS if key.startswith("daily.button.") else MAX_TEXT_CHARS
        if len(value) > limit:
            problems.append(f"daily: text {key} is {len(value)} chars, at most {limit}")
        try:
            found = placeholders_of(value)
        except ValueError as error:
            problems.append(f"daily: text {key} has malformed braces ({error})")
            continue
        expected = TEXT_PLACEHOLDERS[key]
        if found != expected:
            problems.append(
                f"daily: text {key} must use placeholders {sorted(expected)}, "
                f"found {sorted(found)}"
            )
        texts[key] = value.strip()
    for key in TEXT_PLACEHOLDERS:
        if key not in raw:
            problems.append(f"daily: text {key} is missing")
    return texts


def parse_daily(raw: object) -> DailyContent:
    """Validate the loaded daily.yaml data; raise ContentError listing every problem found."""
    if not isinstance(raw, dict):
        raise ContentError("daily: the file must be a mapping with prompts, texts and choices")
    problems: list[str] = []
    known = {"prompts", "time_choices", "timezone_choices", "pause_choices", "texts"}
    for unknown in sorted(set(map(str, raw)) - known):
        problems.append(f"daily: unknown top-level key {unknown!r}")
    content = DailyContent(
        prompts=_parse_prompts(raw.get("prompts"), problems),
        time_choices=_parse_time_choices(raw.get("time_choices"), problems),
        timezone_choices=_parse_timezone_choices(raw.get("timezone_choices"), problems),
        pause_choices=_parse_pause_choices(raw.get("pause_choices"), problems),
        texts=_parse_texts(raw.get("texts"), problems),
    )
    if problems:
        raise ContentError("\n".join(problems))
    return content


def load_daily(path: Path = DAILY_YAML) -> DailyContent:
    """Read and validate daily.yaml (or another file of the same shape)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"daily: cannot read {path.name}: {error}") from error
    return parse_daily(raw)
