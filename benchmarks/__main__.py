"""`python -m benchmarks`: every figure of issue 8, with the floor measured in the same run.

    python -m benchmarks                 # full sizes (several minutes)
    python -m benchmarks --quick         # smoke run with tiny sizes (seconds; figures meaningless)
    python -m benchmarks --json out.json # also write every figure as JSON
    python -m benchmarks --only floor,sqlite,postgresql,memory,daily,scaleout

1. floor      python-telegram-bot's dispatch + one text reply, offline Bot API
2. sqlite     Tandem's full stack, SQLite file in WAL mode, simulated people walking real flows
3. postgresql the same on PostgreSQL (a database of its own, dropped afterwards)
4. memory     RSS before/after 100,000 people each sent one event (separate process)
5. daily      daily prompts: due selection per tick and send rate (benchmarks.daily)
6. scaleout   1 vs 2 webhook worker processes over HTTP on one PostgreSQL

The floor is measured in rounds between the other parts and its best round is the baseline,
so a busy machine lowers the ratios rather than flattering them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.databases import postgres_available, postgres_database, sqlite_database
from benchmarks.dispatch import Throughput, measure_floor
from benchmarks.report import Report
from benchmarks.tandem_stack import StackRun, measure_stack, production_logging

PARTS = ("floor", "sqlite", "postgresql", "memory", "daily", "scaleout")
ROOT = Path(__file__).resolve().parent.parent
SQLITE_RATIO_TARGET = 0.5
SQLITE_P99_TARGET_MS = 5.0
POSTGRES_RATIO_TARGET = 0.2
MEMORY_TARGET_MB = 30.0
DAILY_SELECT_TARGET_MS = 50.0


@dataclass(frozen=True)
class Sizes:
    """How much each part does."""

    floor_updates: int
    people: int
    events: int
    warmup: int
    in_flight: int
    memory_users: int
    scale_people: int
    scale_updates: int
    daily_args: tuple[str, ...]


FULL = Sizes(
    floor_updates=10_000,
    people=1000,
    # About 30 events a person: enough for a whole self-check or a practice scene answered.
    events=30_000,
    warmup=2000,
    in_flight=8,
    memory_users=100_000,
    scale_people=200,
    scale_updates=6000,
    daily_args=("--users", "100000"),
)
QUICK = Sizes(
    floor_updates=200,
    people=20,
    events=200,
    warmup=40,
    in_flight=4,
    memory_users=300,
    scale_people=6,
    scale_updates=60,
    daily_args=("--users", "500", "--send", "20", "--wave", "20", "--rate", "50"),
)


class FloorRounds:
    """The floor, measured several times during the run; the best round is the baseline."""

    def __init__(self, sizes: Sizes) -> None:
        self.sizes = sizes
        self.rounds: list[Throughput] = []

    async def measure(self) -> None:
        """One more round."""
        self.rounds.append(
            await measure_floor(
                self.sizes.floor_updates,
                people_count=min(self.sizes.people, 1000),
                in_flight=self.sizes.in_flight,
                warmup=max(50, self.sizes.floor_updates // 10),
            )
        )

    @property
    def best(self) -> Throughput | None:
        """The fastest round."""
        return max(self.rounds, key=lambda r: r.per_second) if self.rounds else None


def add_throughput(
    report: Report, section: str, result: Throughput, p99_target_ms: float | None = None
) -> None:
    """The common figures of a dispatch run."""
    report.add(section, "updates", result.updates)
    report.add(section, "updates per second", result.per_second, "/s")
    report.add(section, "latency p50", result.percentile_ms(0.5), "ms")
    p99 = result.percentile_ms(0.99)
    if p99_target_ms is None:
        report.add(section, "latency p99", p99, "ms")
    else:
        report.add(
            section,
            "latency p99",
            p99,
            "ms",
            target=f"< {p99_target_ms:g} ms",
            met=p99 < p99_target_ms,
        )
    report.add(section, "CPU per update (this process)", result.cpu_us_per_update, "µs")


def add_stack(
    report: Report,
    section: str,
    run: StackRun,
    floor: Throughput | None,
    ratio_target: float,
    p99_target_ms: float | None = None,
) -> None:
    """Figures of a full-stack run, judged against the floor."""
    result = run.throughput
    add_throughput(report, section, result, p99_target_ms)
    if floor is not None and floor.per_second:
        ratio = result.per_second / floor.per_second
        report.add(
            section,
            "ratio to floor (updates/s)",
            ratio,
            target=f">= {ratio_target:g}",
            met=ratio >= ratio_target,
        )
        if result.cpu_us_per_update:
            report.add(
                section,
                "ratio to floor (CPU per update)",
                floor.cpu_us_per_update / result.cpu_us_per_update,
            )
    report.add(section, "people in the database", run.people_in_db)
    report.add(section, "entries stored", run.entries)
    report.add(
        section,
        "entries stored by kind",
        ", ".join(f"{kind} {count}" for kind, count in run.entries_by_kind.items()) or "none",
    )
    # The same as numbers in the JSON, per section.
    report.context.setdefault("entries_by_kind", {})[section] = run.entries_by_kind
    report.context.setdefault("activity", {})[section] = run.activity
    report.add(
        section,
        "what people did",
        ", ".join(f"{what} {count}" for what, count in run.activity.items()) or "nothing",
    )
    calls = ", ".join(f"{method} {count}" for method, count in sorted(run.api_calls.items()))
    report.add(section, "Bot API calls", calls)


async def run_dispatch_parts(report: Report, sizes: Sizes, parts: set[str]) -> None:
    """Floor, SQLite and PostgreSQL (all in this process, one event loop)."""
    floor = FloorRounds(sizes)
    if parts & {"floor", "sqlite", "postgresql"}:
        await floor.measure()
    if "sqlite" in parts:
        with sqlite_database() as url:
            run = await measure_stack(
                url,
                people_count=sizes.people,
                events=sizes.events,
                in_flight=sizes.in_flight,
                warmup=sizes.warmup,
            )
        await floor.measure()
        add_stack(
            report,
            "2 sqlite",
            run,
            floor.best,
            SQLITE_RATIO_TARGET,
            SQLITE_P99_TARGET_MS,
        )
    if "postgresql" in parts:
        if postgres_available():
            with postgres_database() as url:
                run = await measure_stack(
                    url,
                    people_count=sizes.people,
                    events=sizes.events,
                    in_flight=sizes.in_flight,
                    warmup=sizes.warmup,
                )
            await floor.measure()
            add_stack(report, "3 postgresql", run, floor.best, POSTGRES_RATIO_TARGET)
            report.add("3 postgresql", "people's events in flight", sizes.in_flight)
        else:
            report.add("3 postgresql", "skipped", "PostgreSQL not reachable")
    best = floor.best
    if best is not None:
        # Printed first: every ratio above is relative to this round.
        section_figures = Report()
        add_throughput(section_figures, "1 floor", best)
        section_figures.add("1 floor", "rounds (best is the baseline)", len(floor.rounds))
        section_figures.add(
            "1 floor",
            "all rounds",
            ", ".join(f"{r.per_second:,.0f}/s" for r in floor.rounds),
        )
        report.figures[:0] = section_figures.figures


def run_memory(report: Report, sizes: Sizes) -> None:
    """RSS growth, in a process of its own."""
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", "--users", str(sizes.memory_users)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    section = "4 memory"
    report.add(section, "people who each sent one event", figures["users"])
    report.add(section, "RSS before", figures["rss_before_mb"], "MB")
    report.add(section, "RSS after", figures["rss_after_mb"], "MB")
    report.add(
        section,
        "RSS growth",
        figures["rss_growth_mb"],
        "MB",
        target=f"< {MEMORY_TARGET_MB:g} MB (for 100,000)",
        met=figures["rss_growth_mb"] < MEMORY_TARGET_MB,
    )
    report.add(section, "growth per person", figures["bytes_per_user"], "bytes")


def run_daily(report: Report, sizes: Sizes) -> None:
    """The daily-prompt benchmark (benchmarks.daily), run as is, its figures merged."""
    try:
        import bot.daily_scheduler  # noqa: F401 - only its presence matters here
    except ImportError:
        report.add("5 daily", "skipped", "daily prompts are not installed")
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "daily.json"
        subprocess.run(
            [sys.executable, "-m", "benchmarks.daily", *sizes.daily_args, "--json", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        daily = json.loads(path.read_text())
    for figure in daily["figures"]:
        name, met, target = figure["name"], figure.get("met"), figure.get("target", "")
        if name.startswith("select one batch") and isinstance(figure["value"], int | float):
            target, met = (
                f"< {DAILY_SELECT_TARGET_MS:g} ms",
                figure["value"] < DAILY_SELECT_TARGET_MS,
            )
        report.add(
            f"5 daily: {figure['section']}",
            name,
            figure["value"],
            figure.get("unit", ""),
            target=target,
            met=met,
        )
    report.notes += [f"daily: {note}" for note in daily.get("notes", [])]


def run_scaleout(report: Report, sizes: Sizes) -> None:
    """1 vs 2 webhook workers over HTTP on one PostgreSQL."""
    from benchmarks.scaleout import run_workers
    from content import load_content

    section = "6 scale-out"
    if not postgres_available():
        report.add(section, "skipped", "PostgreSQL not reachable")
        return
    content = load_content()
    rates: dict[int, float] = {}
    for workers in (1, 2):
        with postgres_database() as url:
            run = asyncio.run(
                run_workers(
                    url,
                    workers,
                    people_count=sizes.scale_people,
                    updates=sizes.scale_updates,
                    content=content,
                )
            )
        label = f"{workers} worker{'s' if workers > 1 else ''}"
        rates[workers] = run.per_second
        report.add(section, f"{label}: updates stored per second", run.per_second, "/s")
        report.add(section, f"{label}: answer latency p50", run.percentile_ms(0.5), "ms")
        report.add(section, f"{label}: answer latency p99", run.percentile_ms(0.99), "ms")
        report.add(
            section,
            f"{label}: sent / stored / timed out / refused",
            f"{run.updates} / {run.processed} / {run.timeouts} / {run.rejected}",
            target="all stored, none lost",
            met=run.processed == run.updates and not run.timeouts and not run.rejected,
        )
        report.add(section, f"{label}: entries stored", run.entries)
        report.add(section, f"{label}: errors logged by workers", run.errors_logged)
        report.add(
            section,
            f"{label}: CPU per update (workers / PostgreSQL / driver)",
            " / ".join(
                f"{seconds / max(run.updates, 1) * 1e3:.2f} ms"
                for seconds in (
                    run.worker_cpu_seconds,
                    run.postgres_cpu_seconds,
                    run.driver_cpu_seconds,
                )
            ),
        )
    if rates.get(1):
        report.add(section, "scaling, 2 workers / 1 worker", rates[2] / rates[1], "x")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON to this file")
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"comma-separated parts of: {', '.join(PARTS)}"
    )
    parser.add_argument("--people", type=int, help="simulated people (parts 2 and 3)")
    parser.add_argument("--events", type=int, help="events measured (parts 2 and 3)")
    parser.add_argument("--memory-users", type=int, help="people in the memory part")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen parts, print the table, and write JSON if asked."""
    args = parse_args(argv)
    parts = {part.strip() for part in args.only.split(",") if part.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        print(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
        return 2
    sizes = QUICK if args.quick else FULL
    overrides = {
        "people": args.people,
        "events": args.events,
        "memory_users": args.memory_users,
    }
    sizes = Sizes(**{**sizes.__dict__, **{k: v for k, v in overrides.items() if v}})
    production_logging()
    report = Report(context={"sizes": sizes.__dict__, "quick": args.quick, "machine": machine()})
    if parts & {"floor", "sqlite", "postgresql"}:
        asyncio.run(run_dispatch_parts(report, sizes, parts))
    if "memory" in parts:
        run_memory(report, sizes)
    if "daily" in parts:
        run_daily(report, sizes)
    if "scaleout" in parts:
        run_scaleout(report, sizes)
    if args.quick:
        report.notes.append("quick run: sizes are tiny, so the figures say nothing about speed")
    print(report.table())
    for note in report.notes:
        print()
        print(note)
    if args.json:
        report.write_json(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
