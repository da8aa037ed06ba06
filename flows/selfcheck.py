"""The self-check: one statement per message on a 5-point scale, then a result per dimension.

Answers so far live in the person's prefs (not in the flow context), so they survive a restart,
a pause, and leaving for another command; only Stop throws them away. Every completed self-check
is kept as an entry of kind `selfcheck` with its scores, which /progress reads.
"""

from __future__ import annotations

from typing import Any, cast

from transitions import EventData

from content import Content
from content.selfcheck import SelfCheckContent
from flows.engine import Engine
from flows.events import Button
from flows.flow import Flow, event_arg, turn_of
from flows.ports import EntryRecord
from flows.selfcheck_scoring import HIGHEST_ANSWER, LOWEST_ANSWER, score_answers
from flows.turn import Turn

ENTRY_KIND = "selfcheck"
PROGRESS_PREF = "selfcheck_progress"  # {"answers": {item id: 1..5}, "index": next to show}
REFLECT_COMMAND = "reflect"
PRACTICE_COMMAND = "practice"


def selfcheck_content(content: Content) -> SelfCheckContent:
    """The parsed selfcheck.yaml."""
    return cast(SelfCheckContent, content.section("selfcheck"))


def saved_progress(turn: Turn) -> tuple[dict[str, int], int]:
    """The answers given so far and the position to carry on from."""
    saved = turn.user.prefs.get(PROGRESS_PREF) or {}
    answers = {str(k): int(v) for k, v in dict(saved.get("answers", {})).items()}
    return answers, int(saved.get("index", 0))


def save_progress(turn: Turn, answers: dict[str, int], index: int) -> None:
    """Keep the answers so far with the person's record (a new dict, so the change is seen)."""
    turn.user.prefs[PROGRESS_PREF] = {"answers": dict(answers), "index": index}


def clear_progress(turn: Turn) -> None:
    """Forget an unfinished self-check."""
    turn.user.prefs.pop(PROGRESS_PREF, None)


class SelfCheckFlow(Flow):
    """Offer (or resume) the self-check, ask each statement, then show the result."""

    name = "selfcheck"
    states = ["offering", "asking"]
    initial = "offering"
    transitions = [
        {"trigger": "begin", "source": "offering", "dest": "asking", "after": "begin_fresh"},
        {"trigger": "carry_on", "source": "offering", "dest": "asking", "after": "ask_current"},
        {
            "trigger": "answer",
            "source": "asking",
            "dest": "asking",
            "conditions": "on_scale",
            "after": "record_answer",
        },
        {"trigger": "back", "source": "asking", "dest": "asking", "after": "go_back"},
        {"trigger": "pause", "source": "asking", "dest": "offering", "after": "pause_here"},
        {"trigger": "later", "source": "offering", "dest": "offering", "after": "not_now"},
        {
            "trigger": "stop",
            "source": ["offering", "asking"],
            "dest": "offering",
            "after": "stop_here",
        },
    ]

    def __init__(self, content: Content) -> None:
        super().__init__(content)
        self.selfcheck = selfcheck_content(content)

    # What the person sees

    def prompt(self, turn: Turn) -> None:
        """The offer (fresh or resume), or the current statement."""
        if turn.state == "asking":
            self.ask_statement(turn)
            return
        answers, _ = saved_progress(turn)
        answered = self.known_answers(answers)
        if answered:
            turn.reply(
                turn.say(
                    "selfcheck.resume_offer", answered=answered, total=len(self.selfcheck.items)
                ),
                [
                    [turn.button("selfcheck.resume_button", "carry_on")],
                    [turn.button("selfcheck.restart_button", "begin")],
                    [turn.button("common.not_now", "later")],
                ],
            )
            return
        turn.reply(
            turn.say("selfcheck.intro", total=len(self.selfcheck.items)),
            [
                [turn.button("selfcheck.start_button", "begin")],
                [turn.button("common.not_now", "later")],
            ],
        )

    def ask_statement(self, turn: Turn) -> None:
        """One statement, five scale buttons, then Back (not on the first) / Pause / Stop."""
        answers, index = saved_progress(turn)
        index = min(max(index, 0), len(self.selfcheck.items) - 1)
        item = self.selfcheck.items[index]
        chosen = answers.get(item.id)
        rows: list[list[Button]] = []
        for value, label in enumerate(self.selfcheck.scale, start=LOWEST_ANSWER):
            if value == chosen:  # coming back to a statement: show what was picked
                label = turn.say("selfcheck.chosen", label=label)
            rows.append([turn.choice(label, "answer", str(value))])
        controls = [
            turn.button("selfcheck.pause_button", "pause"),
            turn.button("selfcheck.stop_button", "stop"),
        ]
        if index > 0:
            controls.insert(0, turn.button("selfcheck.back_button", "back"))
        rows.append(controls)
        turn.reply(
            turn.say(
                "selfcheck.question",
                number=index + 1,
                total=len(self.selfcheck.items),
                text=item.text,
            ),
            rows,
        )

    # Input

    def on_text(self, turn: Turn) -> None:
        """A typed number answers the statement; anything else gets a pointer to the buttons."""
        if (
            turn.state == "asking"
            and turn.text.isdigit()
            and self.fire(turn, "answer", arg=turn.text)
        ):
            return
        if turn.state == "asking":
            turn.reply(turn.say("selfcheck.type_a_number"))
            self.ask_statement(turn)
            return
        super().on_text(turn)

    def stop(self, turn: Turn) -> None:
        """/stop keeps the answers (like Pause); only the Stop button throws them away."""
        if turn.state == "asking":
            self.fire(turn, "pause")
        else:
            self.fire(turn, "later")

    # Conditions and callbacks

    def on_scale(self, event: EventData) -> bool:
        """Whether the answer is a whole number on the scale."""
        value = str(event_arg(event, "arg", ""))
        return value.isdigit() and LOWEST_ANSWER <= int(value) <= HIGHEST_ANSWER

    def begin_fresh(self, event: EventData) -> None:
        """Start from the first statement with no answers."""
        turn = turn_of(event)
        save_progress(turn, {}, 0)
        self.ask_statement(turn)

    def ask_current(self, event: EventData) -> None:
        """Carry on where the person left off."""
        self.ask_statement(turn_of(event))

    def record_answer(self, event: EventData) -> None:
        """Keep the answer and show the next statement, or the result after the last."""
        turn = turn_of(event)
        answers, index = saved_progress(turn)
        index = min(max(index, 0), len(self.selfcheck.items) - 1)
        answers[self.selfcheck.items[index].id] = int(event_arg(event, "arg"))
        if index + 1 < len(self.selfcheck.items):
            save_progress(turn, answers, index + 1)
            self.ask_statement(turn)
        else:
            self.complete(turn, answers)

    def go_back(self, event: EventData) -> None:
        """Show the statement before, with its answer marked."""
        turn = turn_of(event)
        answers, index = saved_progress(turn)
        save_progress(turn, answers, max(index - 1, 0))
        self.ask_statement(turn)

    def pause_here(self, event: EventData) -> None:
        """Leave the answers kept and rest at the menu."""
        turn = turn_of(event)
        _, index = saved_progress(turn)
        turn.reply(
            turn.say("selfcheck.paused", number=index + 1, total=len(self.selfcheck.items)),
            turn.engine.menu_buttons(turn),
        )
        turn.finish()

    def not_now(self, event: EventData) -> None:
        """Decline the offer for now; saved answers stay for next time."""
        turn = turn_of(event)
        turn.reply(turn.say("selfcheck.not_now"), turn.engine.menu_buttons(turn))
        turn.finish()

    def stop_here(self, event: EventData) -> None:
        """Throw this round's answers away and rest at the menu."""
        turn = turn_of(event)
        clear_progress(turn)
        turn.reply(turn.say("selfcheck.stopped"), turn.engine.menu_buttons(turn))
        turn.finish()

    # The result

    def complete(self, turn: Turn, answers: dict[str, int]) -> None:
        """Score, keep the result, and show it dimension by dimension with next steps."""
        scores = score_answers(answers, self.selfcheck)
        if turn.keeps_words:  # answers and results are kept only with consent, like words
            turn.keep(
                ENTRY_KIND,
                content_id=ENTRY_KIND,
                data={"scores": scores.as_mapping(), "answers": dict(answers)},
            )
        clear_progress(turn)
        turn.reply(turn.say("selfcheck.result_intro"))
        for result in scores.dimensions:
            dimension = self.selfcheck.dimension(result.dimension)
            if result.score is None or result.band is None:
                text = turn.say(
                    "selfcheck.result_dimension_missing",
                    title=dimension.title,
                    suggestion=dimension.suggestion,
                )
            else:
                text = turn.say(
                    "selfcheck.result_dimension",
                    title=dimension.title,
                    score=result.score,
                    explanation=dimension.explanation(result.band),
                    suggestion=dimension.suggestion,
                )
            buttons = [
                turn.link(
                    "selfcheck.reflect_button",
                    f"go:{REFLECT_COMMAND}:{dimension.reflect_theme}",
                    title=dimension.title,
                )
            ]
            # Practice is its own feature; offer it only where it is installed.
            if PRACTICE_COMMAND in turn.engine.commands:
                buttons.append(
                    turn.link(
                        "selfcheck.practice_button",
                        f"go:{PRACTICE_COMMAND}:{dimension.practice_dimension}",
                        title=dimension.title,
                    )
                )
            turn.reply(text, [[button] for button in buttons])
        outro = turn.say("selfcheck.result_outro")
        if not turn.keeps_words:
            outro = f"{outro}\n\n{turn.say('selfcheck.result_not_kept')}"
        turn.reply(
            outro,
            [[turn.link("menu.progress", "go:progress"), turn.link("common.menu", "go:menu")]],
        )
        turn.finish()

    def known_answers(self, answers: dict[str, int]) -> int:
        """How many saved answers belong to statements that still exist."""
        ids = {item.id for item in self.selfcheck.items}
        return sum(1 for item_id in answers if item_id in ids)


def render_selfcheck_entry(content: Content, entry: EntryRecord) -> str:
    """A self-check in the journal: one line per dimension."""
    scores: dict[str, Any] = dict((entry.data or {}).get("scores", {}))
    lines = []
    for dimension in selfcheck_content(content).dimensions:
        score = scores.get(dimension.id)
        if score is None:
            lines.append(content.text("progress.score_line_missing", title=dimension.title))
        else:
            lines.append(content.text("progress.score_line", title=dimension.title, score=score))
    return "\n".join(lines)


def cmd_selfcheck(turn: Turn, args: str) -> None:
    """/selfcheck: offer the self-check, or to carry on with one that was paused."""
    turn.start(SelfCheckFlow.name)


def register(engine: Engine) -> None:
    """Add the self-check."""
    engine.add_flow(SelfCheckFlow(engine.content))
    engine.add_command("selfcheck", cmd_selfcheck, "commands.selfcheck", order=40)
    engine.add_menu_item("menu.selfcheck", "go:selfcheck", order=40)
    engine.add_journal_renderer(ENTRY_KIND, render_selfcheck_entry)
