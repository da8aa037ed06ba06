"""Reflection answers are heard: a fitting acknowledgement, no repeats, stop words obeyed."""

from __future__ import annotations

import itertools

from bot.app import Runtime
from flows.acknowledge import next_variant, notice
from flows.crisis import default_detector
from tests.support.chat import ChatDriver


def test_what_an_answer_is_about() -> None:
    """Guilt first, then a named feeling, a memory, a person; otherwise plain."""
    assert notice("I feel so guilty when I say no to my mum").kind == "guilt"
    assert notice("Mostly I was lonely and tired").word == "lonely"
    assert notice("I remember hiding in my room when they argued").kind == "memory"
    assert notice("my sister always decides for me") == notice("My Sister always decides")
    assert notice("my sister always decides for me").word == "sister"
    assert notice("I would like to trust my own judgement").kind == "plain"


def test_variants_never_repeat_in_a_row() -> None:
    """Each kind cycles through its three variants; the same one never comes twice running."""
    memory: dict[str, object] = {}
    shown = [next_variant(memory, "plain") for _ in range(7)]
    assert all(a != b for a, b in itertools.pairwise(shown))
    assert set(shown) == {1, 2, 3}


def test_each_answer_gets_an_acknowledgement_that_fits(chat: ChatDriver) -> None:
    """A named feeling is answered with that feeling, guilt with guilt, then the next question."""
    chat.onboard()
    chat.command("reflect", "self-worth")
    chat.send("I felt invisible when nobody asked about my week")
    assert "invisible" in chat.text
    assert "Question 2 of 3" in chat.text
    chat.send("Honestly I feel guilty whenever I rest")
    assert "guilt" in chat.text.lower()
    chat.send("I would like to trust my own judgement")
    # The close speaks about what they explored (guilt first), never a count of answers.
    assert "You looked at guilt honestly" in chat.text
    assert "answered" not in chat.text


def test_plain_thanks_vary_across_a_long_session(chat: ChatDriver) -> None:
    """Over several sessions, no acknowledgement sentence comes twice in a row."""
    chat.onboard()
    seen: list[str] = []
    for theme in ("self-worth", "communication", "boundaries"):
        chat.command("reflect", theme)
        for answer in ("ok", "not much to say", "that one is hard to answer"):
            chat.send(answer)
            seen.append(chat.replies[0].text.split("\n\n")[0] if chat.replies else "")
    assert all(a != b for a, b in itertools.pairwise(seen))


def test_a_lone_stop_word_is_a_command_not_an_answer(chat: ChatDriver, runtime: Runtime) -> None:
    """ "stop", "menu", "cancel"... mid-reflection close the session and are never stored,
    and never read as distress (with the crisis detector's learned part loaded)."""
    default_detector()  # the shared detector, model trained: what a running bot has
    chat.onboard()
    for word in ("stop", "Menu", "cancel."):
        chat.command("reflect", "communication")
        chat.send(word)
        assert "Question 2" not in chat.text
        assert "ending your life" not in chat.text
        with runtime.database.connect() as connection:
            texts = [row[0] for row in connection.exec_driver_sql("SELECT text FROM entries")]
        assert word not in texts
