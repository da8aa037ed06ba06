"""House rules that code review alone would let slip."""

from __future__ import annotations

import ast
from pathlib import Path

from flows.registry import build_engine

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_FLOWS = ("telegram", "sqlalchemy", "alembic", "psycopg", "bot")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_flows_import_neither_telegram_nor_sql() -> None:
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "flows").rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN_IN_FLOWS
    }
    assert offenders == set()


def test_machines_are_built_once_and_shared(content) -> None:
    first = build_engine(content)
    flows = dict(first.flows)
    machines = {name: flow.machine for name, flow in flows.items()}
    # No models are ever attached: each event binds a disposable Turn instead.
    assert all(len(machine.models) == 0 for machine in machines.values())


def test_every_flow_state_can_be_prompted(content) -> None:
    engine = build_engine(content)
    for flow in engine.flows.values():
        assert type(flow).prompt is not type(flow).__mro__[-2].prompt, flow.name
