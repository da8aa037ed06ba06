"""Practice words that fit and don't repeat: verdict line, rating responses, one examples note."""

from __future__ import annotations

import itertools

from content import Content
from tests.support.chat import ChatDriver
from tests.test_practice_flow import press_exact, screen_safe

EXAMPLES_NOTE = "These are only examples"


def test_feedback_opens_with_the_reading_of_the_whole_reply(chat: ChatDriver) -> None:
    """A conditional yes is called a yes, is never praised, and gets the scene's own no."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Family")
    chat.send("I guess I could maybe do it if you really can't find anyone else")
    assert "this reads as a yes" in chat.text
    assert "What works:" not in chat.text
    assert "a real boundary" not in chat.text
    assert "I'm not able to do that" not in chat.text


def test_a_frightened_reply_gets_no_feedback(chat: ChatDriver) -> None:
    """Fear of the other person is answered with care, nothing named or praised."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Work")
    chat.send("if I say no he screams at me, I'm honestly scared of him")
    assert "What works:" not in chat.text and "Something to try:" not in chat.text


def test_rating_responses_fit_and_the_examples_note_comes_once(
    chat: ChatDriver, content: Content
) -> None:
    """Low ratings hear that rehearsing helps, high ones that it is progress; no line repeats."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Friends")
    notes = 0
    responses: list[str] = []
    for round_number, rating in enumerate((1, 2, 5, 4, 1, 5)):
        if round_number:
            press_exact(chat, "Another scene")
        chat.send("I can't this time, I need a quiet evening.")
        notes += chat.text.count(EXAMPLES_NOTE)
        press_exact(chat, str(rating))
        responses.append(chat.text.split("\n\n")[0])
        kind = "low" if rating <= 2 else "high"
        assert any(content.text(f"practice.rated.{kind}_{n}") in chat.text for n in (1, 2, 3)), (
            chat.text
        )
        for stay in ("Stay at this level", "Keep this level"):
            if stay in chat.labels():
                press_exact(chat, stay)
    assert notes == 1
    assert all(a != b for a, b in itertools.pairwise(responses))
