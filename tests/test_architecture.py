"""House rules that code review alone would let slip."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint_imports_command() -> str:
    """The `lint-imports` installed next to this Python (the dev extras), else on PATH."""
    beside = Path(sys.executable).parent / "lint-imports"
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: install the dev extras (pip install -e '.[dev]')"
    return found


def test_import_contracts_hold() -> None:
    """pyproject.toml's import contracts: bot → flows → content; flows and content free of
    Telegram and the database; the engine core imports no feature; features independent but
    for the listed exceptions."""
    result = subprocess.run(
        [lint_imports_command(), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_content_spells_out_the_analysers_observations() -> None:
    """content/ may not import flows, so it lists the observation ids; they must match."""
    from content.practice import OBSERVATION_IDS
    from flows.practice_feedback import Observation

    assert tuple(observation.value for observation in Observation) == OBSERVATION_IDS


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
