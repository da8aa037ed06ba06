"""docs/flows.md and the reference block of docs/DEVELOPING.md are generated from the engine
(`python -m bot diagrams`) and must match a fresh generation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

from bot.diagrams import (
    DOCS_DIR,
    REFERENCE_END,
    REFERENCE_START,
    diagrams_command,
    flow_diagram,
    reference_block,
    stale_docs,
)
from content import Content
from flows.engine import Priority
from flows.flow import Flow
from flows.registry import build_engine

ROOT = Path(__file__).resolve().parent.parent


class DoorFlow(Flow):
    """A small flow to draw: a condition, an `unless`, two triggers between the same states."""

    name = "door"
    states: ClassVar[list[str]] = ["closed", "open", "locked"]
    initial = "closed"
    transitions: ClassVar[list[dict[str, Any]]] = [
        {"trigger": "push", "source": "closed", "dest": "open", "conditions": "unlocked"},
        {"trigger": "lock", "source": "closed", "dest": "locked", "unless": "jammed"},
        {"trigger": "shut", "source": "open", "dest": "closed"},
        {"trigger": "slam", "source": "open", "dest": "closed"},
    ]

    def unlocked(self, event: Any) -> bool:
        return True

    def jammed(self, event: Any) -> bool:
        return False

    def prompt(self, turn: Any) -> None:
        turn.reply("a door")


def test_the_generated_docs_are_up_to_date(content: Content) -> None:
    stale = stale_docs(content)
    assert stale == [], f"{[p.name for p in stale]} stale: run `python -m bot diagrams`"


def test_a_flow_is_drawn_from_its_machine_with_conditions(content: Content) -> None:
    assert flow_diagram(DoorFlow(content)) == "\n".join(
        [
            "stateDiagram-v2",
            "  direction LR",
            '  state "closed" as closed',
            '  state "open" as open',
            '  state "locked" as locked',
            "  closed --> open: push [unlocked]",
            "  closed --> locked: lock [!jammed]",
            "  open --> closed: shut | slam",
            "  [*] --> closed",
        ]
    )


def test_a_new_registration_shows_in_the_reference(content: Content) -> None:
    engine = build_engine(content)
    before = reference_block(engine)

    def knock(turn: Any) -> bool:
        return False

    engine.add_command("knock", lambda turn, args: None, "commands.help", order=7)
    engine.add_interrupt(knock, Priority.CRISIS)
    after = reference_block(engine)
    assert after != before
    assert "| /knock | `commands.help` | 7 |" in after
    # Placed by its priority: after the crisis check, before the daily refresh.
    interrupts = after[after.index("### Interrupts") : after.index("### Single-slot")]
    assert interrupts.index("SafetyInterrupt") < interrupts.index("knock")
    assert interrupts.index("knock") < interrupts.index("refresh_stale_schedule")


def test_a_stale_file_is_found_and_the_command_rewrites_it(
    tmp_path: Path, content: Content, capsys
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS_DIR, docs)
    flows_doc = docs / "flows.md"
    flows_doc.write_text(flows_doc.read_text() + "\nhand edit\n")
    developing = docs / "DEVELOPING.md"
    text = developing.read_text()
    start, end = text.index(REFERENCE_START), text.index(REFERENCE_END)
    developing.write_text(text[:start] + REFERENCE_START + "\nold\n" + text[end:])
    assert sorted(p.name for p in stale_docs(content, docs)) == ["DEVELOPING.md", "flows.md"]
    assert diagrams_command(check=True, docs_dir=docs) == 1
    assert diagrams_command(docs_dir=docs) == 0
    assert "flows.md: written" in capsys.readouterr().out
    assert stale_docs(content, docs) == []
    # The hand-written part of DEVELOPING.md is kept as it was.
    assert developing.read_text()[:start] == text[:start]


def test_the_check_command_passes_on_the_repository() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "diagrams", "--check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
