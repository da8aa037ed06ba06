"""Crisis replies, help resources by country, and privacy texts, parsed from `safety.yaml`."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from content.errors import ContentError

# The values of flows.crisis.CrisisKind. Spelled out here so content never imports flows;
# a test keeps the two in step.
CRISIS_KINDS = ("suicide", "self_harm", "violence", "sexual_violence", "fear", "distress")
# Who a line is specially for. A line with an audience still helps anyone who calls, but in a
# crisis reply it comes after the lines for everyone.
AUDIENCES = ("children", "lgbtq", "men", "women")
DEFAULT_REGION = "default"
# A crisis reply lists at most this many lines under the emergency number: the numbers must sit
# within the first lines of the reply, and a long list is harder to act on than a short one.
MAX_LINES_PER_REPLY = 4
TEXT_PREFIXES = ("safety.", "privacy.", "export.", "delete.", "sos.")
# A crisis reply: a one-line opening, then the numbers (so they are within the first three
# lines), then one line on staying safe right now, then the rest of what we want to say.
CRISIS_PARTS = ("opening", "safe_now", "more")
# Kinds where someone else is the danger: a helper is told how to support, not how to ask.
DANGER_KINDS = frozenset({"violence", "sexual_violence", "fear"})
# Telegram refuses longer messages; a crisis reply must stay well inside even with every line.
MAX_REPLY_CHARS = 3000

# Each required key, with the placeholders its text must be able to fill.
REQUIRED_TEXTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        **{
            f"safety.crisis.{kind}.{part}": frozenset()
            for kind in CRISIS_KINDS
            for part in CRISIS_PARTS
        },
        "safety.helper.opening": frozenset(),
        "safety.helper.emergency": frozenset({"emergency"}),
        "safety.helper.self": frozenset(),
        "safety.helper.danger": frozenset(),
        "safety.resources_intro": frozenset(),
        "safety.emergency": frozenset({"emergency"}),
        "safety.resource_line": frozenset({"name", "contact"}),
        "safety.after": frozenset(),
        "safety.after_can_save": frozenset(),
        "safety.continue": frozenset(),
        "safety.pause": frozenset(),
        "safety.save": frozenset(),
        "safety.continued": frozenset(),
        "safety.paused": frozenset(),
        "safety.saved": frozenset(),
        "sos.command": frozenset(),
        "sos.intro": frozenset(),
        "sos.outro": frozenset(),
        "privacy.command": frozenset(),
        "privacy.text": frozenset({"at_rest", "after_delete"}),
        "privacy.encrypted": frozenset(),
        "privacy.not_encrypted": frozenset(),
        "privacy.deleted_lingers": frozenset(),
        "privacy.deleted_wiped": frozenset(),
        "privacy.export": frozenset(),
        "privacy.delete": frozenset(),
        "export.command": frozenset(),
        "export.caption": frozenset({"date"}),
        "export.part": frozenset({"part", "parts"}),
        "export.journal_title": frozenset({"date"}),
        "delete.command": frozenset(),
        "delete.confirm": frozenset(),
        "delete.do_it": frozenset(),
        "delete.keep": frozenset(),
        "delete.done": frozenset(),
        "delete.cancelled": frozenset(),
    }
)

# A country (ISO 3166-1 alpha-2, "GB") or a part of one (ISO 3166-2, "GB-SCT").
_REGION_PATTERN = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_LINE_FIELDS = frozenset({"name", "contact", "kinds", "audience", "source", "verified"})
_REGION_FIELDS = frozenset({"name", "emergency", "lines"})
_SOURCE_PATTERN = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


@dataclass(frozen=True, slots=True)
class HelpLine:
    """One place to turn to: a name and how to reach it, for some or all crisis kinds, with
    the service's own page that publishes the number and the day it was last checked there."""

    name: str
    contact: str
    kinds: frozenset[str]
    source: str = ""
    verified: date | None = None
    audience: frozenset[str] = frozenset()

    def serves(self, kind: str | None) -> bool:
        """Whether this line belongs in the reply for `kind` (None: every line, as in /sos)."""
        return kind is None or kind in self.kinds

    def relevance(self) -> tuple[bool, int]:
        """Sort key within a reply: lines for everyone first, then the more specialised ones
        (fewer kinds) before the general ones."""
        return (bool(self.audience), len(self.kinds))


@dataclass(frozen=True, slots=True)
class ResourceSet:
    """The emergency number and help lines for one region.

    `tiers` ranks where each line comes from when regions are combined (0: the place the person
    named, 1: the rest of their country, 2: the lines for everywhere); empty means all 0.
    """

    emergency: str
    lines: tuple[HelpLine, ...]
    tiers: tuple[int, ...] = ()

    def for_kind(self, kind: str | None) -> tuple[HelpLine, ...]:
        """The lines to show for `kind`: all of them in order for None (as in /sos), else the
        lines serving it, most relevant first, at most MAX_LINES_PER_REPLY."""
        if kind is None:
            return self.lines
        tiers = self.tiers or (0,) * len(self.lines)
        serving = [(tier, line) for tier, line in zip(tiers, self.lines, strict=True)]
        serving = [(tier, line) for tier, line in serving if line.serves(kind)]
        # sorted() is stable: equal lines keep the order content lists them in.
        ranked = sorted(serving, key=lambda pair: (pair[0], *pair[1].relevance()))
        return tuple(line for _, line in ranked[:MAX_LINES_PER_REPLY])


def _combined(emergency: str, *groups: tuple[HelpLine, ...]) -> ResourceSet:
    """Lines from several regions, each group one tier further from the person's own place."""
    lines = tuple(line for group in groups for line in group)
    tiers = tuple(tier for tier, group in enumerate(groups) for _ in group)
    return ResourceSet(emergency, lines, tiers)


@dataclass(frozen=True)
class SafetyContent:
    """Resources by region (`default` plus ISO country codes) and the safety/privacy texts."""

    regions: Mapping[str, ResourceSet]
    texts: Mapping[str, str]

    def resources_for(self, country_code: str | None) -> ResourceSet:
        """The region's resources followed by the default ones; the default for unknown codes.

        A part of a country ("GB-SCT") puts its own lines before the country's; an unknown part
        ("GB-ENG") gets the country's. A country alone lists its parts' lines after its own, so
        someone who only said "GB" still finds the Scottish lines in /sos.
        """
        default = self.regions[DEFAULT_REGION]
        code = (country_code or "").strip().upper()
        if not _REGION_PATTERN.match(code):
            return default
        country_code_only = code[:2]
        country = self.regions.get(country_code_only)
        if country is None:
            return default
        if code != country_code_only:
            part = self.regions.get(code)
            if part is not None:
                return _combined(part.emergency, part.lines, country.lines, default.lines)
            return _combined(country.emergency, country.lines, (), default.lines)
        parts = tuple(
            line
            for region_code, region in self.regions.items()
            if region_code.startswith(f"{code}-")
            for line in region.lines
        )
        return _combined(country.emergency, country.lines, parts, default.lines)

    def resources_text(self, country_code: str | None, kind: str | None = None) -> str:
        """The intro, the emergency number and each line for `kind`, one per line."""
        resources = self.resources_for(country_code)
        parts = [
            self.texts["safety.resources_intro"],
            self.texts["safety.emergency"].format(emergency=resources.emergency),
        ]
        parts.extend(
            self.texts["safety.resource_line"].format(name=line.name, contact=line.contact)
            for line in resources.for_kind(kind)
        )
        return "\n".join(parts)

    def numbers_text(self, country_code: str | None, kind: str | None = None) -> str:
        """The emergency number and each line for `kind`, one per line (no intro)."""
        return self._numbers(self.texts["safety.emergency"], country_code, kind)

    def _numbers(self, emergency_template: str, country_code: str | None, kind: str | None) -> str:
        resources = self.resources_for(country_code)
        parts = [emergency_template.format(emergency=resources.emergency)]
        parts.extend(
            self.texts["safety.resource_line"].format(name=line.name, contact=line.contact)
            for line in resources.for_kind(kind)
        )
        return "\n".join(parts)

    def crisis_reply(self, kind: str, country_code: str | None, *, helper: bool = False) -> str:
        """The first reply to a crisis message: one line, the numbers, staying safe, the rest.

        With `helper`, the reply speaks to someone worried about another person: how to be
        with them, ask directly and call for help together, with the same local lines.
        """
        if helper:
            how = "safety.helper.danger" if kind in DANGER_KINDS else "safety.helper.self"
            numbers = self._numbers(self.texts["safety.helper.emergency"], country_code, kind)
            return f"{self.texts['safety.helper.opening']}\n{numbers}\n\n{self.texts[how]}"
        prefix = f"safety.crisis.{kind}"
        return "\n".join(
            [
                self.texts[f"{prefix}.opening"],
                self.numbers_text(country_code, kind),
                "",
                self.texts[f"{prefix}.safe_now"],
                "",
                self.texts[f"{prefix}.more"],
            ]
        )


def _flatten(prefix: str, value: Any, out: dict[str, Any], problems: list[str]) -> None:
    """Nested `texts:` mappings become dotted keys, as content.load_content does."""
    if isinstance(value, dict):
        for key, child in value.items():
            if not isinstance(key, str):
                # YAML 1.1 reads yes/no/on/off as booleans: `yes:` silently becomes `True:`.
                problems.append(
                    f"safety.yaml texts.{prefix}: key {key!r} is not text (quote it in YAML)"
                )
                continue
            _flatten(f"{prefix}.{key}" if prefix else key, child, out, problems)
    else:
        out[prefix] = value


def _placeholders(template: str) -> set[str]:
    """The `{names}` a format string expects."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _parse_names(
    raw: Any, allowed: tuple[str, ...], field: str, where: str, problems: list[str]
) -> frozenset[str] | None:
    """A non-empty list of names from `allowed`, or None after recording the problem."""
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: '{field}' must be a non-empty list of {list(allowed)}")
        return None
    bad = [name for name in raw if name not in allowed]
    if bad:
        problems.append(f"{where}: unknown {field} {bad} (allowed: {list(allowed)})")
        return None
    return frozenset(raw)


def _parse_verified(raw: Any, where: str, problems: list[str]) -> date | None:
    """The day a line was checked on its source, written YYYY-MM-DD."""
    if isinstance(raw, date):  # YAML reads an unquoted 2026-11-29 as a date already
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    problems.append(
        f"{where}: 'verified' must be the day the number was checked, as YYYY-MM-DD "
        "(a number nobody has checked does not belong here)"
    )
    return None


def _parse_line(raw: Any, where: str, problems: list[str]) -> HelpLine | None:
    """One help line, or None after recording what is wrong with it."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with name, contact, source and verified")
        return None
    unknown = sorted(set(raw) - _LINE_FIELDS)
    if unknown:
        problems.append(f"{where}: unknown fields {unknown} (allowed: {sorted(_LINE_FIELDS)})")
    fields: dict[str, str] = {}
    for field in ("name", "contact"):
        value = raw.get(field)
        if isinstance(value, int):
            value = str(value)  # YAML reads 116123 as a number; a number is fine here
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: '{field}' must be a non-empty string")
            return None
        fields[field] = value.strip()
    source = raw.get("source")
    if not isinstance(source, str) or not _SOURCE_PATTERN.match(source.strip()):
        problems.append(
            f"{where} ({fields['name']}): 'source' must be the address of the service's own "
            "page that publishes this number, starting with https://"
        )
        return None
    verified = _parse_verified(raw.get("verified"), f"{where} ({fields['name']})", problems)
    kinds_raw = raw.get("kinds", list(CRISIS_KINDS))
    kinds = _parse_names(kinds_raw, CRISIS_KINDS, "kinds", where, problems)
    audience = (
        _parse_names(raw["audience"], AUDIENCES, "audience", where, problems)
        if "audience" in raw
        else frozenset()
    )
    if verified is None or kinds is None or audience is None:
        return None
    return HelpLine(
        fields["name"],
        fields["contact"],
        kinds,
        source=source.strip(),
        verified=verified,
        audience=audience,
    )


def _parse_region(
    code: Any, raw: Any, problems: list[str], *, parent: ResourceSet | None = None
) -> ResourceSet | None:
    """One region's resources, or None after recording what is wrong with them. A part of a
    country may leave out `emergency`: it has its country's."""
    where = f"safety.yaml resources.{code}"
    if code != DEFAULT_REGION and not (isinstance(code, str) and _REGION_PATTERN.match(code)):
        problems.append(
            f"{where}: region must be 'default', a two-letter ISO code like 'GB' "
            "or a part of a country like 'GB-SCT'"
        )
        return None
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with emergency and lines")
        return None
    unknown = sorted(set(raw) - _REGION_FIELDS)
    if unknown:
        problems.append(f"{where}: unknown fields {unknown} (allowed: {sorted(_REGION_FIELDS)})")
    emergency = raw.get("emergency")
    if isinstance(emergency, int):
        emergency = str(emergency)
    if emergency is None and parent is not None:
        emergency = parent.emergency
    if not isinstance(emergency, str) or not emergency.strip():
        problems.append(f"{where}: 'emergency' must be a non-empty string")
        return None
    lines_raw = raw.get("lines") or []
    if not isinstance(lines_raw, list):
        problems.append(f"{where}: 'lines' must be a list")
        return None
    lines = [
        _parse_line(item, f"{where}.lines[{i}]", problems) for i, item in enumerate(lines_raw)
    ]
    return ResourceSet(emergency.strip(), tuple(line for line in lines if line is not None))


def _parse_texts(raw: Any, problems: list[str]) -> dict[str, str]:
    """The safety texts, checked for presence, prefix, type and placeholders."""
    flat: dict[str, Any] = {}
    _flatten("", raw if isinstance(raw, dict) else {}, flat, problems)
    texts: dict[str, str] = {}
    for key, value in flat.items():
        if not key.startswith(TEXT_PREFIXES):
            problems.append(f"safety.yaml texts.{key}: keys here start with {list(TEXT_PREFIXES)}")
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"safety.yaml texts.{key}: must be a non-empty string")
        else:
            texts[key] = value.strip()
    for key, expected in REQUIRED_TEXTS.items():
        if key not in texts:
            if key not in flat:
                problems.append(f"safety.yaml texts.{key}: missing")
            continue
        try:
            found = _placeholders(texts[key])
        except ValueError as exc:
            problems.append(f"safety.yaml texts.{key}: broken placeholder ({exc})")
            continue
        if found != expected:
            problems.append(
                f"safety.yaml texts.{key}: placeholders {sorted(found)}, "
                f"expected {sorted(expected)}"
            )
    return texts


def parse_safety(raw: dict[str, Any]) -> SafetyContent:
    """Build the safety content, raising ContentError listing every problem."""
    problems: list[str] = []
    resources_raw = raw.get("resources")
    regions: dict[str, ResourceSet] = {}
    if not isinstance(resources_raw, dict):
        problems.append("safety.yaml resources: expected a mapping of regions")
    else:
        # Countries first, so a part of a country ("GB-SCT") can take its country's number.
        ordered = sorted(resources_raw.items(), key=lambda item: "-" in str(item[0]))
        for code, region_raw in ordered:
            parent = None
            if isinstance(code, str) and "-" in code:
                parent = regions.get(code[:2])
                if parent is None:
                    problems.append(
                        f"safety.yaml resources.{code}: part of a country that is not listed "
                        f"(add resources.{code[:2]} first)"
                    )
                    continue
            region = _parse_region(code, region_raw, problems, parent=parent)
            if region is not None:
                regions[code] = region
        if DEFAULT_REGION not in resources_raw:
            problems.append("safety.yaml resources.default: missing (used for every country)")
        elif DEFAULT_REGION in regions and not regions[DEFAULT_REGION].lines:
            problems.append("safety.yaml resources.default: needs at least one line")
    texts = _parse_texts(raw.get("texts"), problems)
    if problems:
        raise ContentError("\n".join(problems))
    content = SafetyContent(MappingProxyType(regions), MappingProxyType(texts))
    for key in ["safety.helper.opening"] + [f"safety.crisis.{k}.opening" for k in CRISIS_KINDS]:
        if "\n" in texts[key]:
            # The numbers must stay within the first three lines of the reply.
            problems.append(f"safety.yaml texts.{key}: must be a single line")
    for code in regions:
        for kind, helper in ((k, h) for k in CRISIS_KINDS for h in (False, True)):
            reply = content.crisis_reply(kind, code, helper=helper)
            if len(reply) > MAX_REPLY_CHARS:
                problems.append(
                    f"safety.yaml: the {kind} reply for {code} is {len(reply)} characters "
                    f"(at most {MAX_REPLY_CHARS})"
                )
    if problems:
        raise ContentError("\n".join(problems))
    return content
