"""`python -m bot feedback`: read practice replies and print the analysis as JSON, one per line.

With words as arguments, that reply; without, one reply per line from standard input (blank
lines are skipped). `--scene ID` adds the scene's own suggested sentence. Needs no token and no
database. It prints the person's words back only to the terminal that typed them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from content import CONTENT_DIR
from content.practice import load_practice
from flows.practice_feedback import analyse, suggestion_for


def feedback_command(
    words: Iterable[str], scene_id: str | None, stdin: TextIO, stdout: TextIO, stderr: TextIO
) -> int:
    """Analyse the reply given as words, or every line of stdin; return the exit code."""
    suggestion = None
    if scene_id:
        practice = load_practice(CONTENT_DIR / "practice.yaml")
        try:
            suggestion = suggestion_for(practice.scenario(scene_id).examples)
        except KeyError:
            known = ", ".join(s.id for s in practice.scenarios)
            print(f"unknown scene {scene_id!r}; known scenes: {known}", file=stderr)
            return 2
    given = " ".join(words).strip()
    replies = [given] if given else (line.strip() for line in stdin)
    for reply in replies:
        if not reply:
            continue
        result: dict[str, object] = {"reply": reply, **analyse(reply).as_dict()}
        if scene_id:
            result["scene"] = scene_id
            result["suggestion"] = suggestion
        print(json.dumps(result, ensure_ascii=False), file=stdout, flush=True)
    return 0
