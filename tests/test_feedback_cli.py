"""`python -m bot feedback`: practice replies in, one JSON analysis per line out."""

from __future__ import annotations

import io
import json

from bot.cli import main
from bot.feedback_cli import feedback_command


def test_each_line_of_stdin_gets_one_json_line() -> None:
    """Blank lines are skipped; each reply gets its verdict, observations and quoted spans."""
    out = io.StringIO()
    stdin = io.StringIO("I'll come if you really need me to\n\nnot tonight, how about sunday?\n")
    assert feedback_command([], None, stdin, out, io.StringIO()) == 0
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["verdict"] == "giving_in"
    assert first["observations"] == ["conditional_yes"]
    assert second["verdict"] == "soft_no_alternative"
    assert {span["observation"] for span in second["spans"]} == {"names_no", "offers_alternative"}
    assert all(span["quote"] in second["reply"] for span in second["spans"])


def test_scene_adds_its_own_suggestion() -> None:
    """With --scene, the suggested sentence comes from that scene's examples."""
    out = io.StringIO()
    feedback_command(["maybe", "later"], "family-11", io.StringIO(), out, io.StringIO())
    result = json.loads(out.getvalue())
    assert result["scene"] == "family-11"
    assert "pinning it back" in result["suggestion"]
    assert result["verdict"] == "hedge"


def test_unknown_scene_is_a_clear_error() -> None:
    """An unknown scene id exits with 2 and lists the known ones."""
    err = io.StringIO()
    assert feedback_command(["no"], "garden-01", io.StringIO(), io.StringIO(), err) == 2
    assert "unknown scene 'garden-01'" in err.getvalue() and "work-12" in err.getvalue()


def test_cli_entry_point(capsys) -> None:  # type: ignore[no-untyped-def]
    """`python -m bot feedback <words>` is wired into the command line."""
    assert main(["feedback", "I'm", "keeping", "it", "short"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "clear_no"
