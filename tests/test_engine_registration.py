"""Registration says everything about order and ownership: interrupt priorities, commands that
work before consent, and hooks that only one feature may set."""

from __future__ import annotations

import pytest

from content import Content
from flows.engine import Engine, Priority
from flows.events import Event, Reply
from flows.registry import build_engine
from flows.turn import Turn
from tests.support.chat import ChatDriver
from tests.support.memory_store import MemoryStore


class EngineOnly:
    """The `process(event)` a ChatDriver needs, straight on an engine and a memory store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = MemoryStore()

    def process(self, event: Event) -> list[Reply]:
        return self.engine.handle(event, self.store)


def test_interrupts_run_by_priority_then_in_registration_order(content: Content) -> None:
    engine = Engine(content)
    ran: list[str] = []

    def interrupt(name: str):
        def run(turn: Turn) -> bool:
            ran.append(name)
            return False

        run.__qualname__ = name
        return run

    engine.add_interrupt(interrupt("normal-1"))
    engine.add_interrupt(interrupt("crisis"), Priority.CRISIS)
    engine.add_interrupt(interrupt("normal-2"), Priority.NORMAL)
    engine.add_interrupt(interrupt("plan"), Priority.SAFETY_PLAN_WORDS)
    engine.add_interrupt(interrupt("tidy"), Priority.TIDY)
    assert [i.__qualname__ for i in engine.interrupts] == [
        "tidy",
        "plan",
        "crisis",
        "normal-1",
        "normal-2",
    ]


def test_the_features_interrupts_run_in_their_declared_order(content: Content) -> None:
    engine = build_engine(content)
    names = [getattr(i, "__name__", type(i).__name__) for i in engine.interrupts]
    assert names[:4] == [
        "forget_held_question",
        "forget_held_words",
        "plan_words_interrupt",
        "SafetyInterrupt",
    ]
    assert [r.priority for r in engine.registered_interrupts][:4] == [
        Priority.TIDY,
        Priority.TIDY,
        Priority.SAFETY_PLAN_WORDS,
        Priority.CRISIS,
    ]
    with pytest.raises(AttributeError):
        engine.interrupts.insert(0, lambda turn: False)  # type: ignore[attr-defined]


def test_commands_declare_whether_they_work_before_consent(content: Content) -> None:
    engine = build_engine(content)
    assert engine.consent_free_commands == {
        "start",
        "help",
        "stop",
        "cancel",
        "sos",
        "privacy",
        "export",
        "delete",
        "tidy",  # someone in danger may need to tidy before answering the consent question
        "discreet",
    }
    ran: list[str] = []
    engine.add_command("early", lambda turn, args: ran.append("early"), consent_free=True)
    engine.add_command("later", lambda turn, args: ran.append("later"))
    chat = ChatDriver(EngineOnly(engine))  # type: ignore[arg-type]
    chat.command("early")
    assert ran == ["early"]
    chat.command("later")
    assert ran == ["early"]  # waits for the consent question
    assert "May I keep" in chat.text
    chat.press("Yes, keep")
    assert ran == ["early", "later"]


@pytest.mark.parametrize("hook", ["idle_text_handler", "ask_consent", "export_builder"])
def test_a_single_slot_hook_refuses_a_second_setter(content: Content, hook: str) -> None:
    engine = build_engine(content)
    first = getattr(engine, hook)
    assert first is not None  # set by its feature
    with pytest.raises(ValueError, match=f"engine.{hook} is already set by"):
        setattr(engine, hook, lambda *args: None)
    assert getattr(engine, hook) is first
