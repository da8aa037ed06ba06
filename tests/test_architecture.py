"""House rules that code review alone would let slip."""

from __future__ import annotations

import ast
from pathlib import Path

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


def test_machines_are_built_once_and_shared(runtime, chat) -> None:
    engine = runtime.engine
    machines = {name: id(flow.machine) for name, flow in engine.flows.items()}
    chat.onboard()
    chat.command("reflect", "balance")
    chat.send("an answer")
    chat.command("practice")
    chat.command("selfcheck")
    chat.command("stop")
    # The same machines after many events, and no model ever attached to them: each event
    # binds a disposable Turn instead of keeping a model (or a machine) per person.
    assert {name: id(flow.machine) for name, flow in engine.flows.items()} == machines
    assert all(len(flow.machine.models) == 0 for flow in engine.flows.values())


def test_every_flow_overrides_prompt(runtime) -> None:
    """After a restart, a stale button or odd input, every flow can say where we are."""
    from flows.flow import Flow

    for flow in runtime.engine.flows.values():
        assert type(flow).prompt is not Flow.prompt, flow.name
