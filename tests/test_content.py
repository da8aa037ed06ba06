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


def copy_of_content(folder: Path) -> Path:
    """The YAML files of content/ copied into `folder`, as a content author works on them."""
    folder.mkdir(exist_ok=True)
    for path in (ROOT / "content").glob("*.yaml"):
        (folder / path.name).write_text(path.read_text())
    return folder


def run_check_command(content_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot check-content` on a content folder, from a folder of our choosing."""
    env = {"PATH": "/usr/bin:/bin", "TANDEM_CONTENT_DIR": str(content_dir)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "check-content"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_command_on_a_copy_of_content_elsewhere_is_clean(tmp_path: Path) -> None:
    """The code is found where it is installed, not next to the content folder."""
    copy = copy_of_content(tmp_path / "authoring")
    result = run_check_command(copy, cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ("content/ is consistent: every key used exists and none is unused.\n")


def test_check_command_reports_a_missing_key(tmp_path: Path) -> None:
    copy_of_content(tmp_path)
    ui = tmp_path / "ui.yaml"
    ui.write_text(ui.read_text().replace("    stale_button:", "    stale_buttonx:"))
    problems = check_content(tmp_path)
    assert len(problems) == 2, problems
    assert problems[0].startswith("text key 'common.stale_button' is used at ")
    assert problems[0].endswith(" but not defined in content/")
    assert problems[1] == "text key 'common.stale_buttonx' is defined in content/ but never used"
    result = run_check_command(tmp_path, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    # Exactly the two problems: nothing else is reported as unused.
    assert lines == ["content/ has 2 problem(s):", *(f"  - {p}" for p in problems)]


def test_broken_yaml_is_a_readable_error(tmp_path: Path) -> None:
    for path in (ROOT / "content").glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "reflection.yaml").write_text("themes: [\n")
    with pytest.raises(ContentError) as error:
        load_content(tmp_path)
    assert "reflection.yaml" in str(error.value)
