"""Start-up as an operator sees it: `python -m bot` against broken surroundings.

Each expected failure (a token Telegram rejects, Telegram unreachable or silent, PostgreSQL
down, silent, unroutable, or refusing to let us create tables) must end with one line that
names the problem and the fix, a non-zero exit code, no traceback and no secret. The runs are
started together (a silent server costs seconds of waiting each) and checked one by one.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import threading
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.settings import TOKEN_EXAMPLE, Settings, SettingsError, load_settings
from bot.startup import (
    EXIT_CONFIGURATION,
    EXIT_UNREACHABLE,
    explain_failure,
    running_line,
)
from bot.storage.database import normalize_url
from tests.conftest import postgres_admin_url, postgres_unavailable_reason
from tests.support.bot_api_standin import BotApiStandIn
from tests.support.recording_request import BOT_USER

ROOT = Path(__file__).resolve().parent.parent
# Distinct, greppable secrets: none may appear in any output.
TOKEN = "987654321:StartupTestTokenThatMustNeverBePrinted"
DB_PASSWORD = "startup-db-password-never-printed"
RUN_TIMEOUT = 90


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SilentServer:
    """Accepts TCP connections and never says a word (a hung server, a black-holing proxy)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = int(self.socket.getsockname()[1])
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        """Stop accepting and drop every held connection."""
        self.socket.close()
        for connection in self.held:
            connection.close()


@dataclass
class Run:
    """One finished `python -m bot` run."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """Everything it printed."""
        return self.stdout + self.stderr

    @property
    def last_line(self) -> str:
        """The last line it printed on stderr."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else ""


def launch(tmp_path: Path, name: str, *args: str, **env: str) -> subprocess.Popen[str]:
    """Start `python -m bot` with the test token and the given settings."""
    base = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite:///{tmp_path / name}.db",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}/bot",
        "LOG_LEVEL": "INFO",
        "METRICS_PORT": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**base, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def postgres_url(host: str, port: int, database: str = "tandem", **query: str) -> str:
    """A PostgreSQL URL with the test password."""
    suffix = ("?" + "&".join(f"{k}={v}" for k, v in query.items())) if query else ""
    return f"postgresql://tandem:{DB_PASSWORD}@{host}:{port}/{database}{suffix}"


@pytest.fixture(scope="module")
def no_create_database() -> Iterator[str | None]:
    """A PostgreSQL database whose user may not create tables in schema public (PG 15's
    default for users other than the owner), or None without PostgreSQL."""
    admin_url = postgres_admin_url()
    if postgres_unavailable_reason() is not None:
        yield None
        return
    name = f"tandem_nocreate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name)
    locked = create_engine(normalize_url(url.render_as_string(hide_password=False)))
    with locked.begin() as connection:
        # Even the owner loses CREATE: exactly what a non-owner sees on PostgreSQL 15+.
        connection.execute(text("REVOKE CREATE ON SCHEMA public FROM pg_database_owner"))
        connection.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    locked.dispose()
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory, no_create_database: str | None
) -> Iterator[dict[str, Run]]:
    """Every failure scenario, run at the same time; name → finished run."""
    tmp_path = tmp_path_factory.mktemp("startup")
    silent_telegram = SilentServer()
    silent_postgres = SilentServer()
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    with BotApiStandIn() as standin, BotApiStandIn() as healthy_standin:
        standin.fail_next("getMe", 401, "Unauthorized")
        processes = {
            "token_rejected": launch(tmp_path, "a", TELEGRAM_API_BASE_URL=standin.base_url),
            "telegram_closed_port": launch(tmp_path, "b"),
            "telegram_never_answers": launch(
                tmp_path, "c", TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{silent_telegram.port}/bot"
            ),
            "database_refuses": launch(
                tmp_path, "d", DATABASE_URL=postgres_url("127.0.0.1", free_port())
            ),
            "database_never_answers": launch(
                tmp_path,
                "e",
                DATABASE_URL=postgres_url("127.0.0.1", silent_postgres.port, connect_timeout="2"),
            ),
            # 240.0.0.0/4 is reserved and never routed: packets vanish or the route is refused
            # (behind an intercepting proxy something else may answer; one line all the same).
            "database_unroutable": launch(
                tmp_path, "f", DATABASE_URL=postgres_url("240.0.0.1", 5432, connect_timeout="2")
            ),
        }
        processes["webhook_port_taken"] = launch(
            tmp_path,
            "h",
            "--webhook",
            TELEGRAM_API_BASE_URL=healthy_standin.base_url,
            WEBHOOK_URL="https://tandem.example.org/hook",
            WEBHOOK_SECRET="startup-test-webhook-secret-xyz",
            WEBHOOK_PORT=str(taken.getsockname()[1]),
        )
        if no_create_database is not None:
            processes["database_no_create"] = launch(
                tmp_path, "g", DATABASE_URL=no_create_database
            )
        finished: dict[str, Run] = {}
        try:
            for name, process in processes.items():
                stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
                finished[name] = Run(process.returncode, stdout, stderr)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.kill()
            silent_telegram.close()
            silent_postgres.close()
            taken.close()
    yield finished


def assert_one_honest_line(run: Run, code: int, *phrases: str) -> None:
    """Non-zero code, no traceback, and the last line names the problem and the fix."""
    assert run.code == code, run.output
    assert "Traceback" not in run.output, run.output
    assert run.last_line.startswith("Tandem cannot start: "), run.output
    assert "Fix: " in run.last_line
    assert sum("Tandem cannot start" in line for line in run.output.splitlines()) == 1
    for phrase in phrases:
        assert phrase in run.last_line, run.last_line


def test_a_token_telegram_rejects(runs: dict[str, Run]) -> None:
    assert_one_honest_line(
        runs["token_rejected"], EXIT_CONFIGURATION, "Telegram rejected BOT_TOKEN", "@BotFather"
    )


def test_telegram_unreachable(runs: dict[str, Run]) -> None:
    assert_one_honest_line(
        runs["telegram_closed_port"],
        EXIT_UNREACHABLE,
        "cannot reach Telegram",
        "connection refused",
        "internet connection",
    )


def test_telegram_never_answers(runs: dict[str, Run]) -> None:
    assert_one_honest_line(
        runs["telegram_never_answers"], EXIT_UNREACHABLE, "did not answer in time"
    )


def test_database_down(runs: dict[str, Run]) -> None:
    assert_one_honest_line(
        runs["database_refuses"], EXIT_UNREACHABLE, "PostgreSQL at 127.0.0.1", "refused"
    )


def test_database_that_never_answers_times_out(runs: dict[str, Run]) -> None:
    assert_one_honest_line(
        runs["database_never_answers"], EXIT_UNREACHABLE, "did not answer within 2 s"
    )


def test_unroutable_database(runs: dict[str, Run]) -> None:
    run = runs["database_unroutable"]
    assert_one_honest_line(run, EXIT_UNREACHABLE, "PostgreSQL at 240.0.0.1:5432")


def test_postgresql_connections_time_out_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.storage.database as database_module

    # The default is 10 s; shortened here so the test does not wait that long.
    monkeypatch.setattr(database_module, "POSTGRES_CONNECT_TIMEOUT_SECONDS", 1)
    silent = SilentServer()
    engine = database_module.create_database_engine(postgres_url("127.0.0.1", silent.port))
    outcome: list[BaseException] = []

    def connect() -> None:
        try:
            with engine.connect():
                pass
        except Exception as exc:
            outcome.append(exc)

    attempt = threading.Thread(target=connect, daemon=True)
    attempt.start()
    attempt.join(timeout=8)  # without a connect timeout it would wait forever
    still_waiting = attempt.is_alive()
    silent.close()
    assert not still_waiting, "connecting to a silent server did not time out"
    engine.dispose()
    assert isinstance(outcome[0], OperationalError) and "timeout" in str(outcome[0])


def test_user_without_create_on_schema_public(runs: dict[str, Run]) -> None:
    if "database_no_create" not in runs:
        pytest.skip(f"needs PostgreSQL: {postgres_unavailable_reason()}")
    assert_one_honest_line(
        runs["database_no_create"],
        EXIT_CONFIGURATION,
        "may not create Tandem's tables",
        "GRANT CREATE ON SCHEMA public TO",
    )


def test_a_webhook_port_in_use(runs: dict[str, Run]) -> None:
    assert_one_honest_line(
        runs["webhook_port_taken"], EXIT_CONFIGURATION, "already in use", "WEBHOOK_PORT"
    )


def test_no_output_of_any_failed_start_contains_a_secret(runs: dict[str, Run]) -> None:
    assert len(runs) >= 7
    for name, run in runs.items():
        assert TOKEN not in run.output, name
        assert "startup-test-webhook-secret-xyz" not in run.output, name
        assert TOKEN.split(":")[1] not in run.output, name
        assert DB_PASSWORD not in run.output, name


def test_the_running_line_names_the_bot_and_its_link(tmp_path: Path) -> None:
    with BotApiStandIn() as standin:
        bot = launch(tmp_path, "ok", TELEGRAM_API_BASE_URL=standin.base_url)
        try:
            standin.wait_for(lambda s: any(c.method == "getUpdates" for c in s.calls), 60)
            line = bot.stdout.readline() if bot.stdout else ""
        finally:
            bot.terminate()
            stdout, stderr = bot.communicate(timeout=30)
    username = BOT_USER["username"]
    assert line.strip() == running_line(username, "polling")
    assert line.strip() == (
        f"Tandem is running as @{username} (polling). Open https://t.me/{username}"
    )
    assert bot.returncode == 0
    assert TOKEN not in line + stdout + stderr


def test_the_readme_run_command_gets_past_the_token_check() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    placeholder = re.search(r"BOT_TOKEN=(\S+)", first_block)
    assert placeholder is not None and "replace" in placeholder.group(1)
    settings = load_settings({"BOT_TOKEN": placeholder.group(1)}, dotenv_path=None)
    assert settings.bot_token == placeholder.group(1)
    # The example in the "token missing or malformed" messages passes as well.
    assert load_settings({"BOT_TOKEN": TOKEN_EXAMPLE}, dotenv_path=None).bot_token
    with pytest.raises(SettingsError, match=re.escape(TOKEN_EXAMPLE)):
        load_settings({"BOT_TOKEN": "123456:ABC..."}, dotenv_path=None)
    # The Python version the README asks for is the one pyproject requires.
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11" and "Python 3.11 or newer" in readme[:1500]


def settings_for(url: str) -> Settings:
    """Settings naming a PostgreSQL database."""
    return Settings(bot_token=TOKEN, database_url=url)


class _PgError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("message", "expected", "code"),
    [
        (
            'connection to server at "db" failed: FATAL:  password authentication failed for '
            'user "tandem"',
            "wrong password or unknown user",
            EXIT_CONFIGURATION,
        ),
        ('FATAL:  database "tandem" does not exist', "createdb -O tandem tandem", 2),
        (
            "failed to resolve host 'db.invalid': [Errno -2] Name or service not known",
            "host name could not be resolved",
            EXIT_UNREACHABLE,
        ),
    ],
)
def test_other_database_failures_are_named(message: str, expected: str, code: int) -> None:
    error = OperationalError("SELECT 1", {}, _PgError(message))
    failure = explain_failure(error, settings_for(postgres_url("db", 5432)), "polling")
    assert failure is not None
    assert expected in failure.message
    assert failure.exit_code == code
    assert DB_PASSWORD not in failure.message


def test_permission_denied_is_recognised_by_its_sqlstate() -> None:
    error = ProgrammingError("CREATE TABLE", {}, _PgError("permission denied", "42501"))
    failure = explain_failure(error, settings_for(postgres_url("db", 5432, "app")), "polling")
    assert failure is not None
    assert 'GRANT CREATE ON SCHEMA public TO "tandem"' in failure.message
    assert "database 'app'" in failure.message


def test_an_unforeseen_error_is_not_dressed_up_as_a_known_one() -> None:
    assert explain_failure(ValueError("bug"), settings_for("sqlite://"), "polling") is None


def test_an_unforeseen_error_exits_1_with_its_traceback_masked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import bot.app
    from bot.cli import main

    def broken(runtime: object, **kwargs: object) -> None:
        raise RuntimeError(f"a bug that mentions {TOKEN}")

    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tandem.db'}")
    monkeypatch.setattr(bot.app, "build_application", broken)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        assert main([]) == 1
    finally:  # main configured logging for a process; give the test session its own back
        root.handlers[:] = handlers
        root.setLevel(level)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "RuntimeError" in output and "Traceback" in output  # a bug keeps its traceback
    assert "Tandem stopped on an unexpected error (RuntimeError)" in output
    assert TOKEN not in output
