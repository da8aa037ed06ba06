"""Guided reflection: pick a theme, answer three questions, close with a kind summary."""

from __future__ import annotations

from typing import Any

from transitions import EventData

from content.reflection import Theme
from flows.acknowledge import next_variant, notice
from flows.engine import Engine
from flows.flow import Flow, event_arg, turn_of
from flows.ports import EntryRecord
from flows.turn import Turn

QUESTIONS_PER_SESSION = 3
ENTRY_KIND = "reflection"
SEEN_PREF = "reflection_seen"  # question ids already asked, so sessions don't repeat
THEMES_PREF = "reflection_themes"  # theme id -> sessions started, to suggest the least visited
ACK_PREF = "reflection_ack"  # kind of acknowledgement -> variant shown last, so none repeats
# Keys built at run time from what an answer is about (see flows/acknowledge.py).
TEXT_KEY_PREFIXES = ("reflection.ack.", "reflection.close.")
# A lone word like these while a question is open is that command, never an answer.
STOP_WORDS = frozenset({"stop", "cancel", "quit", "exit", "menu", "back", "enough", "end"})
# What a close speaks about first, when answers touched several things.
CLOSE_ORDER = ("guilt", "feeling", "memory", "person")


class ReflectionFlow(Flow):
    """A reflection session of three questions from one theme."""

    name = "reflection"
    states = ["choosing", "asking"]
    initial = "choosing"
    transitions = [
        {
            "trigger": "choose",
            "source": "choosing",
            "dest": "asking",
            "conditions": "known_theme",
            "after": "begin",
        },
        {"trigger": "answer", "source": "asking", "dest": "asking", "after": "keep_answer"},
        {"trigger": "skip", "source": "asking", "dest": "asking", "after": "skip_question"},
        {
            "trigger": "stop",
            "source": ["choosing", "asking"],
            "dest": "choosing",
            "after": "close",
        },
    ]

    def start(self, turn: Turn, **kwargs: Any) -> None:
        """Open with a theme picker, or go straight to a theme given by another flow."""
        theme = kwargs.get("theme")
        if theme and self.fire(turn, "choose", arg=theme):
            return
        self.prompt(turn)

    # What the person sees

    def prompt(self, turn: Turn) -> None:
        """Show the theme picker, or repeat the current question."""
        if turn.state == "choosing":
            rows = [
                [turn.choice(theme.title, "choose", theme.id)]
                for theme in self.content.reflection.themes
            ]
            suggested = self.suggest_theme(turn)
            rows.append(
                [turn.button("reflection.suggest", "choose", suggested.id, theme=suggested.title)]
            )
            rows.append([turn.button("common.not_now", "stop")])
            turn.reply(turn.say("reflection.choose_theme"), rows)
        else:
            self.ask(turn)

    def ask(self, turn: Turn, lead: str = "") -> None:
        """Ask the current question with Skip and Stop buttons (after `lead`, if any)."""
        question = self.content.reflection.question(turn.ctx["questions"][turn.ctx["index"]])
        assert question is not None  # ids are validated when a session begins
        asked = turn.say(
            "reflection.question",
            number=turn.ctx["index"] + 1,
            total=len(turn.ctx["questions"]),
            question=question.text,
        )
        turn.reply(
            "\n\n".join(part for part in (lead, asked) if part),
            [
                [
                    turn.button("reflection.skip", "skip"),
                    turn.button("reflection.stop", "stop"),
                ]
            ],
        )

    # Input

    def on_text(self, turn: Turn) -> None:
        """An answer while asking; a theme typed by name while choosing."""
        if turn.state == "asking":
            if turn.text.strip().strip(".!?").casefold() in STOP_WORDS:
                self.fire(turn, "stop")
                return
            self.fire(turn, "answer", text=turn.text)
            return
        wanted = turn.text.casefold()
        for theme in self.content.reflection.themes:
            if wanted in (theme.id, theme.title.casefold()):
                self.fire(turn, "choose", arg=theme.id)
                return
        super().on_text(turn)

    def stop(self, turn: Turn) -> None:
        """/stop: close the session with what was covered."""
        self.fire(turn, "stop")

    # Conditions and callbacks

    def known_theme(self, event: EventData) -> bool:
        """Whether the chosen theme exists."""
        return self.content.reflection.theme(str(event_arg(event, "arg", ""))) is not None

    def begin(self, event: EventData) -> None:
        """Pick three questions the person has not seen lately and ask the first."""
        turn = turn_of(event)
        theme = self.content.reflection.theme(str(event_arg(event, "arg")))
        assert theme is not None
        seen = set(turn.user.prefs.get(SEEN_PREF, []))
        fresh = [q.id for q in theme.questions if q.id not in seen]
        if len(fresh) < QUESTIONS_PER_SESSION:  # the theme is used up: start it over
            seen -= {q.id for q in theme.questions}
            fresh = [q.id for q in theme.questions]
        chosen = fresh[:QUESTIONS_PER_SESSION]
        turn.user.prefs[SEEN_PREF] = sorted(seen | set(chosen))
        visits = dict(turn.user.prefs.get(THEMES_PREF, {}))
        visits[theme.id] = int(visits.get(theme.id, 0)) + 1
        turn.user.prefs[THEMES_PREF] = visits
        turn.ctx.update(
            theme=theme.id, questions=chosen, index=0, answered=0, skipped=0, noticed=[]
        )
        turn.reply(turn.say("reflection.intro", theme=theme.title, blurb=theme.blurb))
        self.ask(turn)

    def keep_answer(self, event: EventData) -> None:
        """Store the answer, answer it in a sentence that fits, and move on."""
        turn = turn_of(event)
        question_id = turn.ctx["questions"][turn.ctx["index"]]
        text = str(event_arg(event, "text", ""))
        turn.keep(
            ENTRY_KIND,
            content_id=question_id,
            text=text,
            data={"theme": turn.ctx["theme"]},
        )
        turn.ctx["answered"] += 1
        noticed = notice(text)
        turn.ctx["noticed"] = [*turn.ctx.get("noticed", []), noticed.kind]
        memory = dict(turn.user.prefs.get(ACK_PREF, {}))
        variant = next_variant(memory, noticed.kind)
        turn.user.prefs[ACK_PREF] = memory
        # The acknowledgement opens the next message, so the answer is heard before moving on.
        self.advance(
            turn, lead=turn.say(f"reflection.ack.{noticed.kind}_{variant}", word=noticed.word)
        )

    def skip_question(self, event: EventData) -> None:
        """Leave this question and move on."""
        turn = turn_of(event)
        turn.ctx["skipped"] += 1
        self.advance(turn)

    def advance(self, turn: Turn, lead: str = "") -> None:
        """Ask the next question, or close after the last one (`lead` opens either)."""
        turn.ctx["index"] += 1
        if turn.ctx["index"] < len(turn.ctx["questions"]):
            self.ask(turn, lead)
        else:
            turn.ctx["lead"] = lead
            self.fire(turn, "stop")

    def close(self, event: EventData) -> None:
        """Say what was covered and suggest a gentle next step; then rest at the menu."""
        turn = turn_of(event)
        theme = self.content.reflection.theme(turn.ctx.get("theme", ""))
        if theme is None:  # stopped before choosing
            turn.reply(turn.say("reflection.maybe_later"), turn.engine.menu_buttons(turn))
            turn.finish()
            return
        answered = turn.ctx.get("answered", 0)
        if answered:
            # Speak about what they explored, not about how many questions they answered.
            noticed = turn.ctx.get("noticed", [])
            kind = next((k for k in CLOSE_ORDER if k in noticed), "plain")
            summary = turn.say(f"reflection.close.{kind}", theme=theme.title)
        else:
            summary = turn.say("reflection.summary_none", theme=theme.title)
        parts = [part for part in (turn.ctx.pop("lead", ""), summary, theme.next_step) if part]
        if answered and not turn.keeps_words:
            parts.append(turn.say("reflection.not_kept"))
        turn.reply(
            "\n\n".join(parts),
            [
                [
                    turn.link("reflection.another", "go:reflect"),
                    turn.link("reflection.open_journal", "go:journal"),
                ],
                [turn.link("common.menu", "go:menu")],
            ],
        )
        turn.finish()

    def suggest_theme(self, turn: Turn) -> Theme:
        """The theme visited least so far (ties: the order themes are listed in), among the
        themes that may be suggested: one that can stir up old pain is only ever chosen."""
        visits = turn.user.prefs.get(THEMES_PREF, {})
        themes = [t for t in self.content.reflection.themes if t.suggested]
        themes = themes or list(self.content.reflection.themes)
        return min(themes, key=lambda t: int(visits.get(t.id, 0)))


def render_reflection_entry(content: Any, entry: EntryRecord) -> str:
    """A reflection answer in the journal: the question, then the answer."""
    question = content.reflection.question(entry.content_id or "")
    asked = question.text if question else ""
    answer = entry.text if entry.text is not None else content.text("journal.not_kept")
    return content.text("journal.reflection_entry", question=asked, answer=answer)


def cmd_reflect(turn: Turn, args: str) -> None:
    """/reflect [theme]: start a reflection session."""
    turn.start(ReflectionFlow.name, theme=args.strip().lower() or None)


def register(engine: Engine) -> None:
    """Add guided reflection."""
    engine.add_flow(ReflectionFlow(engine.content))
    engine.add_command("reflect", cmd_reflect, "commands.reflect", order=20)
    engine.add_menu_item("menu.reflect", "go:reflect", order=20)
    engine.add_journal_renderer(ENTRY_KIND, render_reflection_entry)
