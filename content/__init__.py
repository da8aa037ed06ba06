"""Every user-facing text, as keyed YAML, loaded and validated once at start-up.

Each `*.yaml` file here may hold a `texts:` mapping (flattened into dotted keys shared by all
files; a key may be defined only once) and structured sections, parsed by the function
`parse_<stem>` of the module `content/<stem>.py` (`reflection.yaml` → `parse_reflection`).
Code refers to texts only by key; `content.check` reports keys used but missing and keys
defined but unused.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from content.errors import ContentError
from content.reflection import ReflectionContent
from content.safety import SafetyContent

# Content authors can point Tandem at a working copy of the YAML files.
CONTENT_DIR = Path(os.environ.get("TANDEM_CONTENT_DIR") or Path(__file__).resolve().parent)
# Sections every installation must have.
REQUIRED_SECTIONS = ("reflection", "safety")


def section_parser(stem: str) -> Callable[[dict[str, Any]], Any] | None:
    """The parser for `<stem>.yaml`: `content.<stem>.parse_<stem>`, if that module exists."""
    name = stem.replace("-", "_")
    try:
        module = importlib.import_module(f"content.{name}")
    except ModuleNotFoundError:
        return None
    parser = getattr(module, f"parse_{name}", None)
    return parser if callable(parser) else None


@dataclass(frozen=True)
class Content:
    """Loaded content: flat texts plus each file's parsed structured section."""

    texts: Mapping[str, str]
    sections: Mapping[str, Any]

    def text(self, key: str, /, **values: Any) -> str:
        """The text for `key`, with `{placeholders}` filled from `values`."""
        template = self.texts[key]
        return template.format(**values) if values else template

    def section(self, stem: str) -> Any:
        """The parsed structured data of `<stem>.yaml`."""
        return self.sections[stem]

    def has(self, key: str) -> bool:
        """Whether a text with this key exists."""
        return key in self.texts

    @property
    def reflection(self) -> ReflectionContent:
        """Reflective questions by theme."""
        return cast(ReflectionContent, self.sections["reflection"])

    @property
    def safety(self) -> SafetyContent:
        """Crisis replies, help resources by country, and the privacy texts."""
        return cast(SafetyContent, self.sections["safety"])


def _flatten(
    prefix: str, value: Any, out: dict[str, str], origin: str, problems: list[str]
) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), child, out, origin, problems)
    elif isinstance(value, str):
        if prefix in out:
            problems.append(f"{origin}: text key '{prefix}' is defined more than once")
        out[prefix] = value.strip()
    else:
        problems.append(f"{origin}: text '{prefix}' must be a string")


def load_content(directory: Path = CONTENT_DIR) -> Content:
    """Read and validate every YAML file in `directory`; raise ContentError listing problems."""
    problems: list[str] = []
    texts: dict[str, str] = {}
    sections: dict[str, Any] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: not valid YAML ({exc})")
            continue
        if not isinstance(raw, dict):
            problems.append(f"{path.name}: the top level must be a mapping")
            continue
        _flatten("", raw.get("texts") or {}, texts, path.name, problems)
        parser = section_parser(path.stem)
        if parser is None:
            extra = sorted(set(raw) - {"texts"})
            if extra:
                problems.append(
                    f"{path.name}: sections {extra} have no parser (content/{path.stem}.py)"
                )
            continue
        try:
            sections[path.stem] = parser(raw)  # parsers may check their own texts too
        except ContentError as exc:
            problems.extend(str(exc).splitlines())
    for stem in REQUIRED_SECTIONS:
        if stem not in sections and not any(p.startswith(f"{stem}.yaml") for p in problems):
            problems.append(f"{stem}.yaml: file is missing")
    if problems:
        raise ContentError("\n".join(problems))
    return Content(texts=texts, sections=sections)


__all__ = ["CONTENT_DIR", "Content", "ContentError", "load_content"]
