"""`python -m bot chat`: the same engine in a terminal, buttons as numbered choices."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.app import build_runtime
from bot.console import ConsoleChat
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parent.parent


def test_console_walks_a_reflection_with_numbered_choices(sqlite_url: str, content) -> None:
    runtime = build_runtime(make_settings(sqlite_url), content=content, migrate_schema=False)
    out = io.StringIO()
    console = ConsoleChat(runtime, out=out)
    script = io.StringIO("1\n/reflect\n2\nI only feel okay when others approve\n/quit\n")
    console.run(script)
    shown = out.getvalue()
    assert "[1] Yes, keep my answers" in shown
    assert "Question 1 of 3" in shown and "Question 2 of 3" in shown
    assert "Everything is saved" in shown

    # A second terminal session carries on at the same question.
    later = io.StringIO()
    ConsoleChat(runtime, out=later).run(io.StringIO("99\n/quit\n"))
    resumed = later.getvalue()
    assert "here's where we were" in resumed
    assert "Question 2 of 3" in resumed
    # "99" is not one of the choices: it is taken as the answer, not refused
    assert "Question 3 of 3" in resumed
    runtime.database.dispose()


def test_console_command_runs_in_a_fresh_process(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"}
    env.pop("BOT_TOKEN", None)  # the terminal chat needs no token
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        cwd=ROOT,
        env=env,
        input="2\n/help\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "I'm Tandem" in result.stdout
    assert "/reflect" in result.stdout
