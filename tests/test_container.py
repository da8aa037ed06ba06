"""The container files, checked without a container engine (CI builds the image only where
one runs): compose.yaml parses and starts Tandem on a healthy PostgreSQL; the Dockerfile is
multi-stage, runs `python -m bot` as a non-root user and checks /healthz."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, with continuation lines joined and comments gone."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, arguments = line.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def stages(instructions: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Instructions split at each FROM (the FROM line starts its stage)."""
    result: list[list[tuple[str, str]]] = []
    for instruction in instructions:
        if instruction[0] == "FROM":
            result.append([])
        assert result, "the Dockerfile must start with FROM"
        result[-1].append(instruction)
    return result


@pytest.fixture(scope="module")
def dockerfile() -> list[list[tuple[str, str]]]:
    """The Dockerfile's stages."""
    return stages(dockerfile_instructions(ROOT / "Dockerfile"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """compose.yaml, parsed."""
    parsed = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(parsed, dict)
    return parsed


def assert_probes_healthz(code: str, default_port: str) -> None:
    """The health check one-liner is valid Python asking /healthz on METRICS_PORT."""
    compile(code, "healthcheck", "exec")
    assert "os.environ.get('METRICS_PORT', '" + default_port + "')" in code
    assert "http://127.0.0.1:{port}/healthz" in code


def test_dockerfile_is_multi_stage_and_builds_the_wheel(
    dockerfile: list[list[tuple[str, str]]],
) -> None:
    assert len(dockerfile) >= 2
    builder, runtime = dockerfile[0], dockerfile[-1]
    assert re.match(r"python:3\.1[1-9]\S*-slim AS builder", builder[0][1])
    assert "-slim" in runtime[0][1]
    builder_runs = " ".join(args for keyword, args in builder if keyword == "RUN")
    assert "pip wheel" in builder_runs and "pip install /wheels/" in builder_runs
    copies = [args for keyword, args in runtime if keyword == "COPY"]
    assert any(args.startswith("--from=builder") for args in copies)
    assert not any(keyword == "RUN" and "pip install" in args for keyword, args in runtime)


def test_the_image_runs_python_m_bot_as_a_non_root_user(
    dockerfile: list[list[tuple[str, str]]],
) -> None:
    runtime = dockerfile[-1]
    users = [args for keyword, args in runtime if keyword == "USER"]
    assert users, "the runtime stage must switch to a user"
    assert users[-1] not in {"root", "0", "0:0"}
    runs = " ".join(args for keyword, args in runtime if keyword == "RUN")
    assert "useradd" in runs and users[-1] in runs
    (entrypoint,) = [args for keyword, args in runtime if keyword == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["python", "-m", "bot"]
    (command,) = [args for keyword, args in runtime if keyword == "CMD"]
    assert json.loads(command) == []


def test_the_image_checks_healthz_on_the_metrics_port(
    dockerfile: list[list[tuple[str, str]]],
) -> None:
    runtime = dockerfile[-1]
    (healthcheck,) = [args for keyword, args in runtime if keyword == "HEALTHCHECK"]
    environment = " ".join(args for keyword, args in runtime if keyword == "ENV")
    port = re.search(r"METRICS_PORT=(\d+)", environment)
    assert port is not None
    assert "METRICS_LISTEN=0.0.0.0" in environment  # reachable from the container's network
    command = json.loads(healthcheck.split(" CMD ", 1)[1])
    assert command[0] == "python"
    assert_probes_healthz(command[2], port.group(1))


def test_the_image_holds_every_package_pyproject_ships(
    dockerfile: list[list[tuple[str, str]]],
) -> None:
    copied = {
        args.split()[0].strip("./")
        for keyword, args in dockerfile[0]
        if keyword == "COPY" and not args.startswith("--")
    }
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {name.rstrip("*") for name in include}
    assert packages <= copied
    for name in copied:
        assert (ROOT / name).exists(), name
    (readme,) = [args for keyword, args in dockerfile[0] if keyword == "COPY" and "README" in args]
    assert pyproject["project"]["readme"] in readme


def test_dockerignore_keeps_secrets_and_databases_out() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".venv", ".git", "data", "*.db"} <= ignored


def test_compose_starts_tandem_on_a_healthy_postgres(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "tandem"}
    postgres, tandem = services["postgres"], services["tandem"]
    assert postgres["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert tandem["build"] == "."
    assert tandem["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    environment = tandem["environment"]
    assert environment["DATABASE_URL"].startswith("postgresql://tandem:")
    assert "@postgres:5432/tandem" in environment["DATABASE_URL"]
    assert environment["BOT_TOKEN"].startswith("${BOT_TOKEN:?")  # a missing token stops compose
    assert "postgres-data" in compose["volumes"]


def test_compose_checks_tandem_health_and_keeps_metrics_local(compose: dict[str, Any]) -> None:
    tandem = compose["services"]["tandem"]
    port = tandem["environment"]["METRICS_PORT"]
    test = tandem["healthcheck"]["test"]
    assert test[0] == "CMD"
    assert_probes_healthz(test[-1], "9464")
    assert tandem["ports"] == [f"127.0.0.1:{port}:{port}"]


def test_the_health_check_command_follows_healthz(sqlite_url: str) -> None:
    from bot.monitoring import HealthCheck, Monitor, OpsServer
    from bot.storage.database import create_database_engine

    tandem = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["tandem"]
    probe = tandem["healthcheck"]["test"][-1]
    database = create_database_engine(sqlite_url)
    now = [0.0]
    monitor = Monitor(clock=lambda: now[0])
    server = OpsServer(monitor.registry, HealthCheck(monitor, database, mode="polling"))
    server.start("127.0.0.1", 0)

    def run_probe() -> int:
        environment = {**os.environ, "METRICS_PORT": str(server.port)}
        return subprocess.run(
            [sys.executable, "-c", probe], env=environment, capture_output=True, timeout=30
        ).returncode

    try:
        assert run_probe() == 0
        now[0] += 1000  # no poll answered for a long time: 503
        assert run_probe() == 1
    finally:
        server.stop()
        database.dispose()
