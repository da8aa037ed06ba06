"""The consistency check between code and content: every text key used exists, none is unused.

Keys are found by reading the source of the installed `flows` and `bot` packages, never a folder
next to the content (authors may point `TANDEM_CONTENT_DIR` at a copy of the YAML anywhere). A
key must exist when it is the literal first argument of a call named in `KEY_CALLS` (either
branch of a conditional counts) or the description of `add_command`. A defined key counts as
used when it appears as a string literal anywhere in that code. Keys built at run time are
declared with a module-level `TEXT_KEY_PREFIXES = ("prefix.", ...)` tuple: keys under those
prefixes count as used.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from content import CONTENT_DIR, Content, ContentError, load_content

KEY_CALLS = frozenset({"text", "say", "button", "notice", "link", "add_menu_item"})
KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$")
CODE_PACKAGES = ("flows", "bot")


@dataclass(frozen=True)
class KeyUsage:
    """Text keys the code uses literally, and prefixes of keys it builds at run time."""

    keys: dict[str, str]  # key -> "file:line" of first use, where it must exist
    mentioned: frozenset[str]  # every key-shaped string literal
    prefixes: frozenset[str]


def _constant_strings(node: ast.AST) -> Iterable[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _constant_strings(node.body)
        yield from _constant_strings(node.orelse)
    elif isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _constant_strings(element)


def scan_code(roots: Iterable[Path]) -> KeyUsage:
    """Collect the text keys used in the Python files under `roots`."""
    keys: dict[str, str] = {}
    mentioned: set[str] = set()
    prefixes: set[str] = set()
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            where = str(path.relative_to(root.parent))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if KEY_SHAPE.match(node.value):
                        mentioned.add(node.value)
                elif isinstance(node, ast.Call):
                    func = node.func
                    name = (
                        func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    )
                    candidates: list[ast.AST] = []
                    if name in KEY_CALLS and node.args:
                        candidates.append(node.args[0])
                    if name == "add_command" and len(node.args) >= 3:
                        candidates.append(node.args[2])
                    for candidate in candidates:
                        for value in _constant_strings(candidate):
                            if KEY_SHAPE.match(value):
                                keys.setdefault(value, f"{where}:{node.lineno}")
                elif isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and target.id == "TEXT_KEY_PREFIXES":
                            prefixes.update(_constant_strings(node.value))
    return KeyUsage(keys=keys, mentioned=frozenset(mentioned), prefixes=frozenset(prefixes))


def find_problems(content: Content, usage: KeyUsage) -> list[str]:
    """Keys used but missing, and keys defined but never used."""
    problems = [
        f"text key '{key}' is used at {where} but not defined in content/"
        for key, where in sorted(usage.keys.items())
        if key not in content.texts
    ]
    problems += [
        f"text key '{key}' is defined in content/ but never used"
        for key in sorted(content.texts)
        if key not in usage.mentioned and not key.startswith(tuple(usage.prefixes))
    ]
    return problems


def code_roots(packages: Iterable[str] = CODE_PACKAGES) -> list[Path]:
    """The source folders of the code packages, found where Python imports them from."""
    roots = []
    for name in packages:
        # Located, not imported: content must not depend on the code that uses it.
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise ContentError(f"the package '{name}' is not installed; cannot check its keys")
        roots.append(Path(next(iter(spec.submodule_search_locations))))
    return roots


def load_checked_content(directory: Path = CONTENT_DIR) -> Content:
    """Load content and check it against the code; raise ContentError listing every problem."""
    content = load_content(directory)
    problems = find_problems(content, scan_code(code_roots()))
    if problems:
        raise ContentError("\n".join(problems))
    return content


def check_content(directory: Path = CONTENT_DIR, roots: Iterable[Path] | None = None) -> list[str]:
    """Run every content check; an empty list means all is well."""
    try:
        content = load_content(directory)
        usage = scan_code(code_roots() if roots is None else roots)
    except ContentError as exc:
        return str(exc).splitlines()
    return find_problems(content, usage)
