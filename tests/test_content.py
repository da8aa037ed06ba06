"""Content: valid, consistent with the code, and the check command reports problems."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from content import ContentError, load_content
from content.check import check_content

ROOT = Path(__file__).resolve().parent.parent


def test_content_is_consistent_with_the_code() -> None:
    assert check_content() == []


def test_reflection_has_six_themes_of_at_least_eight_questions(content) -> None:
    themes = content.reflection.themes
    assert [t.id for t in themes] == [
        "boundaries",
        "self-worth",
        "communication",
        "balance",
        "pattern",
        "origins",
    ]
    assert all(len(t.questions) >= 8 for t in themes)


def test_check_command_reports_a_missing_key(tmp_path: Path) -> None:
    for path in (ROOT / "content").glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    ui = tmp_path / "ui.yaml"
    ui.write_text(ui.read_text().replace("    stale_button:", "    stale_buttonx:"))
    problems = check_content(tmp_path)
    assert any("common.stale_button" in p and "not defined" in p for p in problems)
    assert any("common.stale_buttonx" in p and "never used" in p for p in problems)
    env = {"PATH": "/usr/bin:/bin", "TANDEM_CONTENT_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-content"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "common.stale_button" in result.stdout


def test_broken_yaml_is_a_readable_error(tmp_path: Path) -> None:
    for path in (ROOT / "content").glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "reflection.yaml").write_text("themes: [\n")
    with pytest.raises(ContentError) as error:
        load_content(tmp_path)
    assert "reflection.yaml" in str(error.value)
