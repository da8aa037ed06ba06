"""The benchmarks run in a smoke mode (tiny sizes) so they cannot rot.

Only completion and the presence of every figure are asserted; figures from tiny runs say
nothing about speed, so no timing is checked. The daily-prompt part spends most of its time
waiting (replies spaced half a second apart), so it runs alongside the others.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.offline_bot import UpdateFactory
from benchmarks.simulated_users import SimulatedPerson

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    "1 floor": ["updates per second", "latency p50", "latency p99"],
    "2 sqlite": [
        "updates per second",
        "latency p50",
        "latency p99",
        "ratio to floor (updates/s)",
        "entries stored",
        "entries stored by kind",
        "what people did",
    ],
    "3 postgresql": [
        "updates per second",
        "latency p50",
        "latency p99",
        "ratio to floor (updates/s)",
        "people's events in flight",
    ],
    "4 memory": ["RSS before", "RSS after", "RSS growth"],
    "6 scale-out": [
        "1 worker: updates stored per second",
        "2 workers: updates stored per second",
        "scaling, 2 workers / 1 worker",
    ],
}
NEEDS_POSTGRES = ("3 postgresql", "6 scale-out")


def quick_run(parts: str, output: Path) -> subprocess.Popen[str]:
    """Start `python -m benchmarks --quick` for some parts."""
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", parts, "--json", str(output)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def figures_by_section(path: Path) -> dict[str, dict[str, Any]]:
    """section -> figure name -> figure."""
    found: dict[str, dict[str, Any]] = {}
    for figure in json.loads(path.read_text())["figures"]:
        found.setdefault(figure["section"], {})[figure["name"]] = figure
    return found


def test_every_benchmark_completes_and_reports_every_figure(tmp_path: Path) -> None:
    daily = quick_run("daily", tmp_path / "daily.json")
    rest = quick_run("floor,sqlite,postgresql,memory,scaleout", tmp_path / "rest.json")
    rest_output, _ = rest.communicate(timeout=240)
    daily_output, _ = daily.communicate(timeout=240)
    assert rest.returncode == 0, rest_output[-3000:]
    assert daily.returncode == 0, daily_output[-3000:]
    assert "1 floor" in rest_output, "the table is printed"

    found = figures_by_section(tmp_path / "rest.json")
    postgres_required = os.environ.get("TANDEM_REQUIRE_POSTGRES") == "1"
    for section, names in EXPECTED.items():
        figures = found.get(section, {})
        if section in NEEDS_POSTGRES and "skipped" in figures and not postgres_required:
            continue
        missing = [name for name in names if name not in figures]
        assert not missing, f"{section} lacks {missing}"
    for section, figures in found.items():
        for figure in figures.values():
            if figure["name"].endswith("sent / stored / timed out / refused"):
                assert figure["met"], f"{section}: an update was lost: {figure['value']}"

    daily_figures = figures_by_section(tmp_path / "daily.json")
    names = [name for figures in daily_figures.values() for name in figures]
    if not any("skipped" in figures for figures in daily_figures.values()):
        assert any(name.startswith("select one batch") for name in names)
        assert "achieved rate" in names


def scene_keyboard(step: int) -> list[list[dict[str, str]]]:
    """A practice scene asking for a reply: only "another", "other context" and "stop"."""
    return [
        [
            {"text": "Next scene", "callback_data": f"practice:another:|{step}"},
            {"text": "Other context", "callback_data": f"practice:other_context:|{step}"},
        ],
        [{"text": "Stop", "callback_data": f"practice:stop:|{step}"}],
    ]


def test_a_simulated_person_types_a_reply_when_a_practice_scene_asks_for_one() -> None:
    person = SimulatedPerson(10_001, ["practice"], UpdateFactory())  # not a self-check starter
    assert json.loads(person.next_update())["message"]["text"] == "/start"
    person.observe(None)
    assert json.loads(person.next_update())["message"]["text"] == "/practice"
    person.observe(scene_keyboard(3))
    typed = json.loads(person.next_update())
    assert "message" in typed and not typed["message"]["text"].startswith("/")
    assert person.activity["practice replies typed"] == 1
