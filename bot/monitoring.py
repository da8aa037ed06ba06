"""Health and metrics for operators: `/healthz` and `/metrics` on their own port.

`Monitor` counts what the bot does (updates by kind, handling time, errors, daily-prompt
outcomes) in a prometheus-client registry of its own, and remembers when Tandem last heard
from Telegram. `DatabaseGauges` adds counts read from the database at scrape time (people,
active today, prompts due, replies waiting in an outbox). `OpsServer` serves both on
`METRICS_LISTEN:METRICS_PORT` from a thread of its own, so `/healthz` still answers (503) when
the event loop is stuck.

No label carries personal data: labels are update kinds, outcomes and error sources, a small
fixed set; figures are counts over whole tables.
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import Engine, text
from telegram.request import HTTPXRequest

from bot.storage.operator_stats import OperatorStats, read_operator_stats
from flows.events import EventKind

logger = logging.getLogger(__name__)

IGNORED_KIND = "ignored"  # updates Tandem does not answer (edits, groups, channel posts)
UPDATE_KINDS = (*(kind.value for kind in EventKind), IGNORED_KIND)
DAILY_OUTCOMES = ("claimed", "sent", "blocked", "retried", "failed", "rate_limited")
ERROR_SOURCES = ("update", "daily_tick")
# Handling time of one update, replies sent included: milliseconds on a good day, seconds when
# Telegram or the database is slow.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Long polling returns at least every 10 s; a minute and a half without one is an outage.
POLL_STALE_SECONDS = 90.0
DATABASE_GAUGES_MAX_AGE = 15.0  # seconds a scrape may reuse the previous database counts


def no_outbox() -> int | None:
    """Replies waiting to be sent: none are queued today (they are sent as soon as made)."""
    return None


class Monitor:
    """What the running bot did, as Prometheus metrics, and when it last heard from Telegram."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self.last_poll: float | None = None  # a getUpdates call answered
        self.last_update: float | None = None  # an update handled (polling or webhook)
        self.last_tick: float | None = None  # a daily-prompt tick finished
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "tandem_updates",
            "Updates handled, by kind (text, command, button, unsupported, ignored).",
            ["kind"],
            registry=self.registry,
        )
        self.update_seconds = Histogram(
            "tandem_update_handling_seconds",
            "Time to handle one update, replies sent included.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "tandem_errors",
            "Failures: an update whose handling raised, or a daily-prompt tick that failed.",
            ["source"],
            registry=self.registry,
        )
        self.daily_prompts = Counter(
            "tandem_daily_prompts",
            "Daily prompts by outcome: claimed (due), sent, blocked, retried, failed, "
            "rate_limited.",
            ["outcome"],
            registry=self.registry,
        )
        # Every series exists from the start, so a rate() over it is defined before the first
        # event and an alert on errors can tell "none yet" from "not exported".
        for kind in UPDATE_KINDS:
            self.updates.labels(kind)
        for source in ERROR_SOURCES:
            self.errors.labels(source)
        for outcome in DAILY_OUTCOMES:
            self.daily_prompts.labels(outcome)

    def update_handled(self, kind: str, seconds: float) -> None:
        """An update of `kind` was handled (or failed) after `seconds`."""
        self.updates.labels(kind if kind in UPDATE_KINDS else IGNORED_KIND).inc()
        self.update_seconds.observe(seconds)
        self.last_update = self.clock()

    def update_failed(self) -> None:
        """Handling an update raised (the error handler apologised to the person)."""
        self.errors.labels("update").inc()

    def poll_answered(self) -> None:
        """A getUpdates call came back from Telegram."""
        self.last_poll = self.clock()

    def tick_finished(self, report: Any) -> None:
        """A daily-prompt tick ended; count its outcomes (a `TickReport`)."""
        self.last_tick = self.clock()
        for outcome in DAILY_OUTCOMES:
            count = getattr(report, outcome, 0)
            if count:
                self.daily_prompts.labels(outcome).inc(count)

    def tick_failed(self) -> None:
        """A daily-prompt tick raised (the database may be restarting)."""
        self.errors.labels("daily_tick").inc()


class PollWatchingRequest(HTTPXRequest):
    """The getUpdates connection, noting each answered poll for `/healthz`."""

    __slots__ = ("_on_answer",)

    def __init__(self, on_answer: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_answer = on_answer

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """Make the request; an HTTP 200 means Telegram answered the poll."""
        status, payload = await super().do_request(*args, **kwargs)
        if status == 200:
            self._on_answer()
        return status, payload


class DatabaseGauges(Collector):
    """Gauges read from the database when scraped (cached briefly: scrapes may come often)."""

    def __init__(
        self,
        database: Engine,
        outbox_backlog: Callable[[], int | None] = no_outbox,
        *,
        max_age: float = DATABASE_GAUGES_MAX_AGE,
    ) -> None:
        self.database = database
        self.outbox_backlog = outbox_backlog
        self.max_age = max_age
        self._lock = threading.Lock()
        self._cached: tuple[float, OperatorStats] | None = None

    def _stats(self) -> OperatorStats | None:
        with self._lock:
            now = time.monotonic()
            if self._cached is not None and now - self._cached[0] < self.max_age:
                return self._cached[1]
            try:
                with self.database.connect() as connection:
                    stats = read_operator_stats(connection, datetime.now(UTC))
            except Exception as exc:  # the database is down: say so, do not fail the scrape
                logger.warning("metrics: database counts unavailable: %s", type(exc).__name__)
                return None
            self._cached = (now, stats)
            return stats

    def collect(self) -> Iterator[Metric]:
        """Yield the gauges (only `tandem_database_up` when the database cannot be read)."""
        stats = self._stats()
        yield GaugeMetricFamily(
            "tandem_database_up",
            "1 if the database answered the last count, else 0.",
            value=0 if stats is None else 1,
        )
        if stats is not None:
            yield GaugeMetricFamily("tandem_people", "People known to Tandem.", stats.people)
            yield GaugeMetricFamily(
                "tandem_people_active_today",
                "People who wrote or pressed a button since UTC midnight.",
                stats.active_today,
            )
            yield GaugeMetricFamily(
                "tandem_people_active_week",
                "People who wrote or pressed a button in the last 7 days.",
                stats.active_week,
            )
            yield GaugeMetricFamily(
                "tandem_daily_prompts_due_now",
                "Daily prompts due and not yet claimed by a sender (a growing value: behind).",
                stats.prompts_due_now,
            )
            today = GaugeMetricFamily(
                "tandem_daily_prompts_today",
                "Daily prompts claimed since UTC midnight, by delivery status.",
                labels=["status"],
            )
            for status, count in sorted(stats.prompts_today.items()):
                today.add_metric([status], count)
            yield today
        backlog = self.outbox_backlog()
        if backlog is not None:
            yield GaugeMetricFamily(
                "tandem_outbox_pending", "Replies waiting in the outbox to be sent.", backlog
            )


class HealthCheck:
    """`/healthz`: the database answers, and Tandem heard from Telegram (or ran) recently."""

    def __init__(
        self,
        monitor: Monitor,
        database: Engine,
        *,
        mode: str,
        stale_after: float = POLL_STALE_SECONDS,
    ) -> None:
        self.monitor = monitor
        self.database = database
        self.mode = mode  # "polling" or "webhook"
        self.stale_after = stale_after

    def database_check(self) -> dict[str, Any]:
        """SELECT 1 on a pooled connection."""
        try:
            with self.database.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:
            return {"ok": False, "problem": f"the database did not answer ({type(exc).__name__})"}
        return {"ok": True}

    def activity_check(self) -> dict[str, Any]:
        """Polling: a getUpdates answered lately. Webhook: an update or a daily tick lately.

        In webhook mode a quiet hour brings no requests, so the daily-prompt tick (every
        DAILY_TICK_SECONDS) stands in as proof that the event loop is alive.
        """
        now = self.monitor.clock()
        if self.mode == "polling":
            latest, what = self.monitor.last_poll, "no answered poll from Telegram"
        else:
            seen = [t for t in (self.monitor.last_update, self.monitor.last_tick) if t is not None]
            latest, what = (max(seen) if seen else None), "no update and no daily-prompt tick"
        since = latest if latest is not None else self.monitor.started
        age = now - since
        result: dict[str, Any] = {
            "ok": age <= self.stale_after,
            "seconds_since_activity": None if latest is None else round(age, 1),
        }
        if not result["ok"]:
            result["problem"] = f"{what} for {age:.0f} s (limit {self.stale_after:.0f} s)"
        return result

    def run(self) -> tuple[bool, dict[str, Any]]:
        """Run every check; (all fine, the JSON body)."""
        checks = {"database": self.database_check(), "activity": self.activity_check()}
        healthy = all(check["ok"] for check in checks.values())
        return healthy, {"status": "ok" if healthy else "failing", "mode": self.mode, **checks}


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _ThreadingWSGIServerV6(_ThreadingWSGIServer):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes every few seconds would drown the log."""


class OpsServerError(Exception):
    """The health and metrics server cannot listen; the message says how to fix it."""


class OpsServer:
    """`/healthz` and `/metrics` over HTTP, in a background thread."""

    def __init__(self, registry: CollectorRegistry, health: HealthCheck) -> None:
        self.registry = registry
        self.health = health
        self._server: WSGIServer | None = None

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """The WSGI application."""
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            body = generate_latest(self.registry)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [body]
        if path == "/healthz":
            healthy, report = self.health.run()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [json.dumps(report).encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Tandem serves /healthz and /metrics here.\n"]

    def start(self, listen: str, port: int) -> None:
        """Listen on listen:port (port 0: any free port) and serve in a daemon thread."""
        server_class = _ThreadingWSGIServerV6 if ":" in listen else _ThreadingWSGIServer
        try:
            self._server = make_server(
                listen, port, self.app, server_class=server_class, handler_class=_QuietHandler
            )
        except OSError as exc:
            reason = {
                errno.EADDRINUSE: "the port is already in use",
                errno.EACCES: "permission denied (ports below 1024 need privileges)",
                errno.EADDRNOTAVAIL: "this machine has no such address",
            }.get(exc.errno or 0, exc.strerror or type(exc).__name__)
            raise OpsServerError(
                f"the health and metrics server cannot listen on {listen}:{port} ({reason}). "
                "Fix: choose another METRICS_PORT (or METRICS_LISTEN), or METRICS_PORT=0 to "
                "turn it off"
            ) from None
        threading.Thread(target=self._server.serve_forever, name="ops-server", daemon=True).start()

    @property
    def port(self) -> int:
        """The port actually listened on."""
        assert self._server is not None
        return int(self._server.server_address[1])

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
