"""Crisis replies, help resources by country, and privacy texts, parsed from `safety.yaml`."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from content.errors import ContentError

# The values of flows.crisis.CrisisKind. Spelled out here so content never imports flows;
# a test keeps the two in step.
CRISIS_KINDS = ("suicide", "self_harm", "violence", "sexual_violence", "fear", "distress")
DEFAULT_REGION = "default"
TEXT_PREFIXES = ("safety.", "privacy.", "export.", "delete.", "sos.")
# Telegram refuses longer messages; a crisis reply must stay well inside even with every line.
MAX_REPLY_CHARS = 3000

# Each required key, with the placeholders its text must be able to fill.
REQUIRED_TEXTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        **{f"safety.crisis.{kind}": frozenset() for kind in CRISIS_KINDS},
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

_REGION_PATTERN = re.compile(r"^[A-Z]{2}$")
_LINE_FIELDS = frozenset({"name", "contact", "kinds"})


@dataclass(frozen=True, slots=True)
class HelpLine:
    """One place to turn to: a name and how to reach it, for some or all crisis kinds."""

    name: str
    contact: str
    kinds: frozenset[str]

    def serves(self, kind: str | None) -> bool:
        """Whether this line belongs in the reply for `kind` (None: every line, as in /sos)."""
        return kind is None or kind in self.kinds


@dataclass(frozen=True, slots=True)
class ResourceSet:
    """The emergency number and help lines for one region."""

    emergency: str
    lines: tuple[HelpLine, ...]

    def for_kind(self, kind: str | None) -> tuple[HelpLine, ...]:
        """The lines to show for `kind`, in order (None: all of them)."""
        return tuple(line for line in self.lines if line.serves(kind))


@dataclass(frozen=True)
class SafetyContent:
    """Resources by region (`default` plus ISO country codes) and the safety/privacy texts."""

    regions: Mapping[str, ResourceSet]
    texts: Mapping[str, str]

    def resources_for(self, country_code: str | None) -> ResourceSet:
        """The region's resources followed by the default ones; the default for unknown codes."""
        default = self.regions[DEFAULT_REGION]
        code = (country_code or "").strip().upper()
        region = self.regions.get(code) if _REGION_PATTERN.match(code) else None
        if region is None:
            return default
        return ResourceSet(region.emergency, region.lines + default.lines)

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

    def crisis_reply(self, kind: str, country_code: str | None) -> str:
        """The full first reply to a crisis message: acknowledgement, then where to get help."""
        opening = self.texts[f"safety.crisis.{kind}"]
        return f"{opening}\n\n{self.resources_text(country_code, kind)}"


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


def _parse_line(raw: Any, where: str, problems: list[str]) -> HelpLine | None:
    """One help line, or None after recording what is wrong with it."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with name and contact")
        return None
    unknown = sorted(set(raw) - _LINE_FIELDS)
    if unknown:
        problems.append(f"{where}: unknown fields {unknown} (allowed: name, contact, kinds)")
    fields: dict[str, str] = {}
    for field in ("name", "contact"):
        value = raw.get(field)
        if isinstance(value, int):
            value = str(value)  # YAML reads 116123 as a number; a number is fine here
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: '{field}' must be a non-empty string")
            return None
        fields[field] = value.strip()
    kinds_raw = raw.get("kinds", list(CRISIS_KINDS))
    if not isinstance(kinds_raw, list) or not kinds_raw:
        problems.append(f"{where}: 'kinds' must be a non-empty list of {list(CRISIS_KINDS)}")
        return None
    bad = [kind for kind in kinds_raw if kind not in CRISIS_KINDS]
    if bad:
        problems.append(f"{where}: unknown kinds {bad} (allowed: {list(CRISIS_KINDS)})")
        return None
    return HelpLine(fields["name"], fields["contact"], frozenset(kinds_raw))


def _parse_region(code: Any, raw: Any, problems: list[str]) -> ResourceSet | None:
    """One region's resources, or None after recording what is wrong with them."""
    where = f"safety.yaml resources.{code}"
    if code != DEFAULT_REGION and not (isinstance(code, str) and _REGION_PATTERN.match(code)):
        problems.append(f"{where}: region must be 'default' or a two-letter ISO code like 'GB'")
        return None
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with emergency and lines")
        return None
    emergency = raw.get("emergency")
    if isinstance(emergency, int):
        emergency = str(emergency)
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
        for code, region_raw in resources_raw.items():
            region = _parse_region(code, region_raw, problems)
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
    for code in regions:
        for kind in CRISIS_KINDS:
            reply = content.crisis_reply(kind, code)
            if len(reply) > MAX_REPLY_CHARS:
                problems.append(
                    f"safety.yaml: the {kind} reply for {code} is {len(reply)} characters "
                    f"(at most {MAX_REPLY_CHARS})"
                )
    if problems:
        raise ContentError("\n".join(problems))
    return content
