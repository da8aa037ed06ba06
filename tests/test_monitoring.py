"""`/healthz` and `/metrics` over real HTTP: in process, and from `python -m bot` in polling
and webhook mode. No label or value may carry a person's id or words."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram.ext import Application

from bot.app import Runtime
from bot.daily_scheduler import DailyPromptScheduler, TickReport
from bot.monitoring import DatabaseGauges, HealthCheck, Monitor, OpsServer, OpsServerError
from bot.settings import load_settings
from bot.storage.database import create_database_engine
from tests.support.bot_api_standin import BotApiStandIn
from tests.support.recording_request import RecordingRequest, message_update, push

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:MONITORING-token-for-tests-only-xyz"
SECRET = "monitoring-webhook-secret-0123456789"
USER = 90210777
WORDS = "my sister keeps borrowing money"


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse Prometheus text: (sample name, sorted labels) → value."""
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


class FakeClock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def served(tandem: Runtime) -> Iterator[tuple[OpsServer, str]]:
    """The ops server for the tandem runtime (SQLite) on a free port; (server, base URL)."""
    tandem.monitor.registry.register(DatabaseGauges(tandem.database, lambda: 7))
    health = HealthCheck(tandem.monitor, tandem.database, mode="webhook")
    server = OpsServer(tandem.monitor.registry, health)
    server.start("127.0.0.1", 0)
    yield server, f"http://127.0.0.1:{server.port}"
    server.stop()


async def test_metrics_count_updates_by_kind_without_personal_data(
    tandem: Runtime,
    application: Application,
    recorder: RecordingRequest,
    served: tuple[OpsServer, str],
) -> None:
    await push(application, message_update(USER, "/start"))
    await push(application, message_update(USER, WORDS))
    voice = {"file_id": "v", "file_unique_id": "u", "duration": 1}
    await push(application, message_update(USER, None, voice=voice))
    response = await asyncio.to_thread(httpx.get, f"{served[1]}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    body = response.text
    values = samples(body)
    assert values[("tandem_updates_total", (("kind", "command"),))] == 1
    assert values[("tandem_updates_total", (("kind", "text"),))] == 1
    assert values[("tandem_updates_total", (("kind", "unsupported"),))] == 1
    assert values[("tandem_update_handling_seconds_count", ())] == 3
    assert values[("tandem_errors_total", (("source", "update"),))] == 0
    assert values[("tandem_people", ())] == 1
    assert values[("tandem_people_active_today", ())] == 1
    assert values[("tandem_database_up", ())] == 1
    assert values[("tandem_outbox_pending", ())] == 7  # the runtime's callable, as wired
    assert str(USER) not in body
    assert "sister" not in body and "money" not in body


async def test_a_failing_update_counts_as_an_error(
    tandem: Runtime, application: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(event: object, **kwargs: object) -> list[object]:
        raise RuntimeError("the engine fell over")  # not a transient database failure

    monkeypatch.setattr(tandem.service, "handle", broken)
    await push(application, message_update(USER, "/start"))
    registry = tandem.monitor.registry
    assert registry.get_sample_value("tandem_errors_total", {"source": "update"}) == 1
    assert registry.get_sample_value("tandem_updates_total", {"kind": "command"}) == 1


def test_no_outbox_means_no_outbox_gauge(sqlite_url: str) -> None:
    database = create_database_engine(sqlite_url)
    monitor = Monitor()
    monitor.registry.register(DatabaseGauges(database))  # the default: replies are sent directly
    names = {family.name for family in monitor.registry.collect()}
    assert "tandem_people" in names
    assert "tandem_outbox_pending" not in names
    database.dispose()


def test_daily_prompt_outcomes_are_counted() -> None:
    monitor = Monitor()
    monitor.tick_finished(TickReport(claimed=5, sent=3, blocked=1, failed=1, rate_limited=2))
    value = monitor.registry.get_sample_value
    assert value("tandem_daily_prompts_total", {"outcome": "claimed"}) == 5
    assert value("tandem_daily_prompts_total", {"outcome": "sent"}) == 3
    assert value("tandem_daily_prompts_total", {"outcome": "failed"}) == 1
    assert value("tandem_daily_prompts_total", {"outcome": "blocked"}) == 1
    assert value("tandem_daily_prompts_total", {"outcome": "rate_limited"}) == 2
    assert monitor.last_tick is not None


async def test_the_daily_job_reports_ticks_and_failed_ticks(tandem: Runtime) -> None:
    class BrokenLedger:
        database = tandem.database

        def claim_batch(self, now: object, size: int) -> object:
            raise ConnectionError("database restarting")

    monitor = Monitor()
    scheduler = DailyPromptScheduler(
        tandem.content, BrokenLedger(), None, send_rate=10, tick_seconds=0.01, monitor=monitor
    )
    scheduler.start()
    await asyncio.sleep(0.1)
    await scheduler.stop()
    assert monitor.registry.get_sample_value("tandem_errors_total", {"source": "daily_tick"})
    assert monitor.last_tick is None


def test_healthz_is_200_while_polls_come_back_and_503_when_they_stop(sqlite_url: str) -> None:
    database = create_database_engine(sqlite_url)
    clock = FakeClock()
    monitor = Monitor(clock=clock)
    server = OpsServer(monitor.registry, HealthCheck(monitor, database, mode="polling"))
    server.start("127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.port}/healthz"
    try:
        starting = httpx.get(url)
        assert starting.status_code == 200  # just started: no poll yet, within the limit
        monitor.poll_answered()
        clock.now += 30
        fine = httpx.get(url)
        assert fine.status_code == 200
        report = fine.json()
        assert report["status"] == "ok" and report["mode"] == "polling"
        assert report["database"] == {"ok": True}
        assert report["activity"]["seconds_since_activity"] == 30
        clock.now += 120
        stale = httpx.get(url)
        assert stale.status_code == 503
        failing = stale.json()
        assert failing["status"] == "failing"
        assert failing["database"]["ok"] is True
        assert failing["activity"]["ok"] is False
        assert failing["activity"]["problem"] == (
            "no answered poll from Telegram for 150 s (limit 90 s)"
        )
        assert httpx.get(f"http://127.0.0.1:{server.port}/other").status_code == 404
    finally:
        server.stop()
        database.dispose()


def test_healthz_is_503_when_the_database_does_not_answer() -> None:
    unreachable = create_database_engine(
        f"postgresql://tandem:tandem@127.0.0.1:{free_port()}/tandem?connect_timeout=1"
    )
    monitor = Monitor()
    monitor.poll_answered()
    server = OpsServer(monitor.registry, HealthCheck(monitor, unreachable, mode="polling"))
    server.start("127.0.0.1", 0)
    try:
        response = httpx.get(f"http://127.0.0.1:{server.port}/healthz", timeout=10)
    finally:
        server.stop()
    assert response.status_code == 503
    report = response.json()
    assert report["database"]["ok"] is False
    assert "did not answer" in report["database"]["problem"]
    assert report["activity"]["ok"] is True


def test_a_taken_port_is_one_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        server = OpsServer(Monitor().registry, None)  # type: ignore[arg-type]
        with pytest.raises(OpsServerError, match=f"127.0.0.1:{port} .*already in use.*METRICS"):
            server.start("127.0.0.1", port)


def test_metrics_settings() -> None:
    defaults = load_settings({}, dotenv_path=None, require_token=False)
    assert (defaults.metrics_listen, defaults.metrics_port) == ("127.0.0.1", 9464)
    chosen = load_settings(
        {"METRICS_PORT": "0", "METRICS_LISTEN": "0.0.0.0"}, dotenv_path=None, require_token=False
    )
    assert (chosen.metrics_listen, chosen.metrics_port) == ("0.0.0.0", 0)


# The real process, polling and webhook


def start_bot(
    tmp_path: Path, standin: BotApiStandIn, *args: str, **env: str
) -> subprocess.Popen[str]:
    """`python -m bot` with its health and metrics server on a free port."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'tandem.db'}",
            "TELEGRAM_API_BASE_URL": standin.base_url,
            "TELEGRAM_FILE_BASE_URL": standin.base_url.replace("/bot", "/file/bot"),
            "LOG_LEVEL": "INFO",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_running(bot: subprocess.Popen[str], timeout: float = 60) -> str:
    """Read output until the running line (or fail with what was printed)."""
    deadline = time.monotonic() + timeout
    seen = []
    assert bot.stdout is not None
    while time.monotonic() < deadline:
        line = bot.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("Tandem is running as"):
            return line.strip()
    raise AssertionError("the bot did not start:\n" + "".join(seen))


def stop(bot: subprocess.Popen[str]) -> str:
    """Stop the bot (SIGTERM) and return the rest of its output."""
    bot.terminate()
    return bot.communicate(timeout=30)[0]


def test_polling_bot_serves_health_and_metrics(tmp_path: Path) -> None:
    port = free_port()
    with BotApiStandIn() as standin:
        bot = start_bot(tmp_path, standin, METRICS_PORT=str(port))
        try:
            line = wait_until_running(bot)
            assert "(polling)" in line
            standin.send_text(USER, "/start")
            standin.wait_for_messages(USER, 2)
            standin.wait_for(lambda s: sum(c.method == "getUpdates" for c in s.calls) >= 2)
            health = httpx.get(f"http://127.0.0.1:{port}/healthz")
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        finally:
            output = stop(bot)
    assert health.status_code == 200, health.text
    assert health.json()["mode"] == "polling"
    values = samples(metrics)
    assert values[("tandem_updates_total", (("kind", "command"),))] == 1
    assert values[("tandem_people", ())] == 1
    assert str(USER) not in metrics
    assert TOKEN not in output


def test_webhook_bot_serves_health_and_metrics(tmp_path: Path) -> None:
    port, webhook_port = free_port(), free_port()
    with BotApiStandIn() as standin:
        bot = start_bot(
            tmp_path,
            standin,
            "--webhook",
            METRICS_PORT=str(port),
            WEBHOOK_URL="https://tandem.example.org/hook",
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_PORT=str(webhook_port),
        )
        try:
            line = wait_until_running(bot)
            assert line == (
                "Tandem is running as @tandem_test_bot (webhook). Open https://t.me/tandem_test_bot"
            )
            health = httpx.get(f"http://127.0.0.1:{port}/healthz")
            posted = httpx.post(
                f"http://127.0.0.1:{webhook_port}/hook",
                content=json.dumps(message_update(USER, "/start")),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": SECRET,
                },
            )
            assert posted.status_code == 200
            standin.wait_for_messages(USER, 2)
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        finally:
            output = stop(bot)
    assert health.status_code == 200, health.text
    assert health.json()["mode"] == "webhook"
    values = samples(metrics)
    assert values[("tandem_updates_total", (("kind", "command"),))] == 1
    assert str(USER) not in metrics
    assert TOKEN not in output and SECRET not in output


def test_webhook_health_counts_updates_and_daily_ticks_as_activity(sqlite_url: str) -> None:
    database = create_database_engine(sqlite_url)
    clock = FakeClock()
    monitor = Monitor(clock=clock)
    check = HealthCheck(monitor, database, mode="webhook", stale_after=120)
    clock.now += 200  # a quiet webhook: no update, and no tick yet
    healthy, report = check.run()
    assert not healthy
    assert report["activity"]["problem"] == (
        "no update and no daily-prompt tick for 200 s (limit 120 s)"
    )
    monitor.tick_finished(TickReport())
    assert check.run()[0]
    clock.now += 100
    monitor.update_handled("text", 0.01)
    clock.now += 100
    healthy, report = check.run()
    assert healthy and report["activity"]["seconds_since_activity"] == 100
    database.dispose()
