"""Simulated people who walk Tandem's real flows by reading the buttons they are sent.

A person is a generator: it yields the next update (JSON bytes) and is sent back the inline
keyboard of the newest message Tandem answered with. Flows are driven through their own
buttons (`flow:action:arg|step`), so new flows are walked without knowing their texts: press a
forward button when there is one, type an answer when only Skip/Stop-like buttons (or only
"give me a different one" buttons, as a practice scene shows under the scene it wants a reply
to) are offered, and leave when the flow shows no buttons of its own any more. Every third
person starts with the self-check right after onboarding, so with about 30 events each in the
full run self-checks are finished and stored (a self-check is 25 presses; the others start at
a random walk). What people actually did is counted (`activity`), so the report shows what
happened, not what was planned. Features that are not registered in `flows/registry.py` when
the benchmark runs are simply left out of the walk.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Generator, Sequence
from typing import Any

from benchmarks.offline_bot import UpdateFactory
from flows.engine import Engine

Keyboard = list[list[dict[str, str]]] | None
Walk = Generator[bytes, Keyboard, Keyboard]

# Buttons that leave or pause a flow: a walking person answers instead of pressing them.
EXIT_ACTIONS = frozenset(
    {
        "stop",
        "skip",
        "later",
        "pause",
        "back",
        "cancel",
        "quit",
        "leave",
        "end",
        "not_now",
        "debrief_skip",
    }
)
# Buttons that swap the question for another instead of answering it (a practice scene's "Next
# scene" / "Other context"): when these are the only way forward, a person types a reply.
ALTERNATIVE_ACTIONS = frozenset({"another", "other_context"})
FIRST_WALK = "selfcheck"
FIRST_WALK_EVERY = 3  # every third person takes the self-check first
MAX_STEPS_PER_FLOW = 40
ANSWERS = (
    "I said yes to helping again when I really needed the evening for myself.",
    "Honestly I am not sure. I noticed I wait for them to decide first.",
    "I felt tense, then relieved when I told her I would call back tomorrow.",
    "Maybe. I want to ask for what I need without apologising for it.",
    "We talked it through and it went better than I feared.",
    "I'd like to say: I can't take this on this week, but I care about you.",
    "Spending Saturday with my friends felt good, and a little guilty.",
    "No",
)
QUESTIONS = (
    "What is codependency?",
    "How do I set a boundary without feeling guilty?",
    "Is it selfish to want time alone?",
    "How can I tell if my relationship is interdependent?",
    "What should I do when my partner gets upset that I said no?",
)
# Walks in the order a person tries them; each is used only when its feature is installed.
WALK_COMMANDS = {
    "reflect": "reflect",
    "selfcheck": "selfcheck",
    "practice": "practice",
    "faq": "faq",
    "journal": "journal",
    "menu": "menu",
}
FLOW_OF_WALK = {"reflect": "reflection", "selfcheck": "selfcheck", "practice": "practice"}


def available_walks(engine: Engine) -> list[str]:
    """The walks whose commands (or, for questions, an idle text handler) are installed."""
    walks = []
    for walk, command in WALK_COMMANDS.items():
        if walk == "faq":
            if command in engine.commands or engine.idle_text_handler is not None:
                walks.append(walk)
        elif command in engine.commands:
            walks.append(walk)
    return walks


def faq_questions(engine: Engine) -> tuple[str, ...]:
    """Questions people ask: the FAQ's own question variants when it has any, else a few."""
    try:
        section = engine.content.section("faq")
    except Exception:  # no FAQ content installed
        return QUESTIONS
    found: list[str] = []
    for entry in getattr(section, "entries", ()) or ():
        for attribute in ("questions", "variants", "question"):
            value = getattr(entry, attribute, None)
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, Sequence):
                found.extend(str(v) for v in value)
    return tuple(found[:200]) or QUESTIONS


def buttons_of(keyboard: Keyboard) -> list[str]:
    """Every callback payload on a keyboard."""
    if not keyboard:
        return []
    return [b["callback_data"] for row in keyboard for b in row if "callback_data" in b]


def flow_buttons(keyboard: Keyboard, flow: str) -> list[str]:
    """Payloads of the current step's buttons of `flow`."""
    return [p for p in buttons_of(keyboard) if "|" in p and p.split(":", 1)[0] == flow]


def action_of(payload: str) -> str:
    """The action part of a flow button's payload."""
    return payload.partition("|")[0].split(":")[1] if payload.count(":") >= 1 else ""


class SimulatedPerson:
    """One person: onboards, then walks the installed features in a loop."""

    def __init__(
        self,
        user_id: int,
        walks: Sequence[str],
        updates: UpdateFactory,
        *,
        seed: int = 0,
        questions: Sequence[str] = QUESTIONS,
        consent_rate: float = 0.9,
    ) -> None:
        self.user_id = user_id
        self.walks = list(walks)
        self.updates = updates
        self.rng = random.Random(seed * 1_000_003 + user_id)
        self.questions = questions
        self.consent = self.rng.random() < consent_rate
        self.events = 0
        # What happened: walks started, replies typed, buttons pressed, walks that ended by
        # themselves (the flow showed no buttons of its own) vs at the step cap.
        self.activity: Counter[str] = Counter()
        self._script = self._life()
        self._pending = next(self._script)

    def next_update(self) -> bytes:
        """The update this person sends next."""
        self.events += 1
        return self._pending

    def observe(self, keyboard: Keyboard) -> None:
        """Tandem answered; `keyboard` is the newest message's inline keyboard (or None)."""
        self._pending = self._script.send(keyboard)

    # The walks

    def _text(self, text: str) -> bytes:
        return self.updates.message(self.user_id, text)

    def _press(self, payload: str) -> bytes:
        return self.updates.button(self.user_id, payload)

    def _life(self) -> Generator[bytes, Keyboard, None]:
        keyboard = yield self._text("/start")
        consent = [p for p in buttons_of(keyboard) if p.startswith("onboarding:answer:")]
        if consent:
            wanted = "yes" if self.consent else "no"
            chosen = [p for p in consent if f":{wanted}|" in p] or consent
            keyboard = yield self._press(chosen[0])
        if FIRST_WALK in self.walks and self.user_id % FIRST_WALK_EVERY == 0:
            keyboard = yield from self._walk(FIRST_WALK, keyboard)
        offset = self.rng.randrange(len(self.walks)) if self.walks else 0
        while self.walks:
            for index in range(len(self.walks)):
                walk = self.walks[(offset + index) % len(self.walks)]
                keyboard = yield from self._walk(walk, keyboard)

    def _walk(self, walk: str, keyboard: Keyboard) -> Walk:
        self.activity[f"walk {walk}"] += 1
        if walk == "faq":
            return (yield from self._ask_question(keyboard))
        if walk == "journal":
            keyboard = yield self._text("/journal")
            older = [p for p in buttons_of(keyboard) if p.startswith("jr:")]
            if older:
                keyboard = yield self._press(older[-1])
            return keyboard
        if walk == "menu":
            keyboard = yield self._text("/menu")
            if self.rng.random() < 0.3:
                keyboard = yield self._text("/help")
            return keyboard
        keyboard = yield self._text(f"/{WALK_COMMANDS[walk]}")
        return (yield from self._drive(FLOW_OF_WALK[walk], keyboard))

    def _ask_question(self, keyboard: Keyboard) -> Walk:
        keyboard = yield self._text("/menu")  # questions are typed while resting at the menu
        keyboard = yield self._text(self.rng.choice(self.questions))
        follow_up = [p for p in buttons_of(keyboard) if p.startswith("faq")]
        if follow_up:
            keyboard = yield self._press(self.rng.choice(follow_up))
        return keyboard

    def _drive(self, flow: str, keyboard: Keyboard) -> Walk:
        for _ in range(MAX_STEPS_PER_FLOW):
            own = flow_buttons(keyboard, flow)
            if not own:
                self.activity[f"{flow} ended by itself"] += 1
                return keyboard
            forward = [p for p in own if action_of(p) not in EXIT_ACTIONS]
            answers_wanted = all(action_of(p) in ALTERNATIVE_ACTIONS for p in forward)
            if forward and not answers_wanted:
                self.activity[f"{flow} buttons pressed"] += 1
                keyboard = yield self._press(self.rng.choice(forward))
            else:
                self.activity[f"{flow} replies typed"] += 1
                keyboard = yield self._text(self.rng.choice(ANSWERS))
        self.activity[f"{flow} left at the step cap"] += 1
        return keyboard


def people(
    engine: Engine, count_: int, updates: UpdateFactory, *, first_id: int = 10_000, seed: int = 0
) -> list[SimulatedPerson]:
    """`count_` people who walk every installed feature."""
    walks = available_walks(engine)
    questions = faq_questions(engine)
    return [
        SimulatedPerson(first_id + i, walks, updates, seed=seed, questions=questions)
        for i in range(count_)
    ]


def activity_of(persons: Sequence[SimulatedPerson]) -> dict[str, int]:
    """What the people did, summed over everyone (walks started, replies typed...)."""
    total: Counter[str] = Counter()
    for person in persons:
        total.update(person.activity)
    return dict(sorted(total.items()))


def describe(persons: Sequence[SimulatedPerson]) -> dict[str, Any]:
    """What the people did (for the report)."""
    return {"people": len(persons), "activity": activity_of(persons)}
