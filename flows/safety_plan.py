"""The personal safety plan (/safetyplan): six steps in the person's own words, for hard moments.

Each step's answer is a journal entry of kind `safety_plan` with the step id as its content id;
the newest one wins, and rewriting a step removes the words it replaces. Like every free text,
answers are kept only with consent and go through the store's cipher. Without consent the plan
can still be written: the answers are held (protected) in this flow's context only until the
plan is shown once at the end, so the person can copy it, and then dropped.

A warning sign is often written in crisis words ("when I start thinking about suicide"), so
while a step is being written the plan reads the message first: it keeps the answer and shows
the local help lines above the next step, instead of letting the crisis reply swallow the words.
"""

from __future__ import annotations

from typing import Any, cast

from transitions import EventData

from content.safety_plan import PlanStep, SafetyPlanContent
from flows.crisis import assess
from flows.engine import MAX_TEXT_CHARS, Engine, Priority
from flows.events import Button, EventKind
from flows.flow import Flow, event_arg, turn_of
from flows.ports import EntryRecord
from flows.safety import PAUSED_KEY, PENDING_KEY, add_sos_section, country_of
from flows.turn import Turn

FLOW = "safety_plan"
COMMAND = "safetyplan"
ENTRY_KIND = "safety_plan"
HELD_KEY = "held"  # step id -> protected text, only while consent is off, until shown once
MODE_KEY = "mode"
WALK, ONE = "walk", "one"  # all steps in order, or one step chosen from the plan screen
INDEX_KEY = "index"
# Rewriting a step removes its older versions, so a person has at most one entry per step;
# the margin covers entries written by several devices at once.
MAX_PLAN_ENTRIES = 100
# In /sos the plan is a reminder above the help lines: each step shortened to a glance.
SOS_STEP_CHARS = 160


def plan_content(turn: Turn) -> SafetyPlanContent:
    """The parsed safety_plan.yaml."""
    return cast(SafetyPlanContent, turn.content.section("safety_plan"))


def read_plan(turn: Turn) -> dict[str, str]:
    """The person's plan, step id -> text: stored answers (newest wins), then held ones."""
    plan: dict[str, str] = {}
    stored = turn.store.list_entries(turn.user.user_id, kinds=[ENTRY_KIND], limit=MAX_PLAN_ENTRIES)
    for entry in stored:  # newest first
        if entry.content_id and entry.text and entry.content_id not in plan:
            plan[entry.content_id] = entry.text
    if turn.flow == FLOW:
        for step_id, protected in turn.ctx.get(HELD_KEY, {}).items():
            plan[step_id] = turn.store.reveal_text(protected)
    return plan


def save_step(turn: Turn, step_id: str, text: str) -> None:
    """Keep a step's new text (replacing the old), or hold it until the plan is shown."""
    held = turn.ctx.setdefault(HELD_KEY, {})
    if turn.keeps_words:
        turn.store.delete_entries(turn.user.user_id, ENTRY_KIND, content_id=step_id)
        turn.keep(ENTRY_KIND, content_id=step_id, text=text)
        held.pop(step_id, None)
    else:
        held[step_id] = turn.hold_text(HELD_KEY, text)


def clear_step(turn: Turn, step_id: str) -> None:
    """Remove a step's text, kept or held."""
    turn.store.delete_entries(turn.user.user_id, ENTRY_KIND, content_id=step_id)
    turn.ctx.get(HELD_KEY, {}).pop(step_id, None)


def render_plan(
    turn: Turn, plan: dict[str, str], *, shorten: int | None = None, written_only: bool = False
) -> str:
    """Every step with its text (or a note that it is empty, unless `written_only`)."""
    blocks = []
    for number, step in enumerate(plan_content(turn).steps, start=1):
        if written_only and not plan.get(step.id):
            continue
        text = plan.get(step.id) or turn.say("safety_plan.plan_empty_step")
        if shorten is not None and len(text) > shorten:
            text = text[: shorten - 1].rstrip() + turn.say("safety_plan.sos_more")
        line = turn.say("safety_plan.plan_step", number=number, title=step.title, text=text)
        blocks.append(line)
    return "\n\n".join(blocks)


class SafetyPlanFlow(Flow):
    """Write the plan step by step, see it whole, and rewrite any step."""

    name = FLOW
    states = ["intro", "writing", "plan", "choosing"]
    initial = "intro"
    transitions = [
        {"trigger": "begin", "source": "intro", "dest": "writing", "after": "walk_from_start"},
        {"trigger": "answer", "source": "writing", "dest": "writing", "after": "take_answer"},
        {"trigger": "skip", "source": "writing", "dest": "writing", "after": "next_step"},
        {"trigger": "clear", "source": "writing", "dest": "writing", "after": "clear_current"},
        {"trigger": "show", "source": ["intro", "writing", "choosing"], "dest": "plan"},
        {"trigger": "change", "source": "plan", "dest": "choosing"},
        {
            "trigger": "pick",
            "source": "choosing",
            "dest": "writing",
            "conditions": "known_step",
            "after": "write_one",
        },
        {"trigger": "done", "source": ["intro", "plan", "choosing"], "dest": "intro"},
    ]

    def start(self, turn: Turn, **kwargs: Any) -> None:
        """Open the plan screen when there is a kept plan, else the introduction."""
        if turn.keeps_words and any(read_plan(turn).values()):
            self.fire(turn, "show")
            self.show_plan(turn)
        else:
            self.prompt(turn)

    @property
    def plan(self) -> SafetyPlanContent:
        """The plan's steps."""
        return cast(SafetyPlanContent, self.content.section("safety_plan"))

    # What the person sees

    def prompt(self, turn: Turn) -> None:
        """Show where we are: the introduction, the current step, the plan or the step list."""
        rows: list[list[Button]]
        if turn.state == "writing":
            self.ask(turn)
        elif turn.state == "plan":
            self.show_plan(turn)
        elif turn.state == "choosing":
            rows = [
                [turn.choice(f"{number}. {step.title}", "pick", step.id)]
                for number, step in enumerate(self.plan.steps, start=1)
            ]
            rows.append([turn.button("safety_plan.back", "show")])
            turn.reply(turn.say("safety_plan.choose_step"), rows)
        elif turn.keeps_words:
            turn.reply(
                turn.say("safety_plan.intro"),
                [
                    [turn.button("safety_plan.begin", "begin")],
                    [turn.button("common.not_now", "done")],
                ],
            )
        else:
            rows = [[turn.button("safety_plan.begin_not_kept", "begin")]]
            if turn.user.consent is not None:
                rows.append([turn.link("safety_plan.keep_answers", "consent:yes")])
            rows.append([turn.button("common.not_now", "done")])
            turn.reply(turn.say("safety_plan.intro_not_kept"), rows)

    def current_step(self, turn: Turn) -> PlanStep:
        """The step being written."""
        return self.plan.steps[int(turn.ctx.get(INDEX_KEY, 0))]

    def ask(self, turn: Turn) -> None:
        """The current step's question, what it holds now, and its buttons."""
        step = self.current_step(turn)
        parts = [
            turn.say(
                "safety_plan.step",
                number=self.plan.number(step.id),
                total=len(self.plan.steps),
                title=step.title,
                question=step.question,
                example=step.example,
            )
        ]
        if step.shows_lines:
            parts.append(turn.content.safety.resources_text(country_of(turn.user)))
        existing = read_plan(turn).get(step.id)
        rows: list[list[Button]] = []
        if existing:
            parts.append(turn.say("safety_plan.current", text=existing))
            rows.append([turn.button("safety_plan.keep_as_is", "skip")])
            rows.append([turn.button("safety_plan.clear", "clear")])
        else:
            rows.append([turn.button("safety_plan.skip", "skip")])
        rows.append([turn.button("safety_plan.stop", "show")])
        turn.reply("\n\n".join(parts), rows)

    def show_plan(self, turn: Turn) -> None:
        """The whole plan. Kept: with Change and Done. Not kept: shown this once, then dropped."""
        plan = read_plan(turn)
        if turn.keeps_words and turn.ctx.get(HELD_KEY):
            # Consent was given part-way through: what was held can be kept now.
            for step_id, text in list(plan.items()):
                if step_id in turn.ctx[HELD_KEY]:
                    save_step(turn, step_id, text)
        if not any(plan.values()):
            turn.ctx.pop(HELD_KEY, None)
            turn.reply(turn.say("safety_plan.plan_none"), turn.engine.menu_buttons(turn))
            turn.finish()
            return
        body = "\n\n".join([turn.say("safety_plan.plan_title"), render_plan(turn, plan)])
        if not turn.keeps_words:
            turn.ctx.pop(HELD_KEY, None)
            turn.reply(f"{body}\n\n{turn.say('safety_plan.plan_not_kept')}")
            turn.reply(turn.say("safety_plan.later"), turn.engine.menu_buttons(turn))
            turn.finish()
            return
        turn.reply(
            f"{body}\n\n{turn.say('safety_plan.plan_footer')}",
            [
                [turn.button("safety_plan.change", "change")],
                [turn.button("safety_plan.done", "done")],
            ],
        )

    # Input

    def on_text(self, turn: Turn) -> None:
        """A step's answer while writing; elsewhere, a nudge to the buttons."""
        if turn.state == "writing":
            self.fire(turn, "answer", text=turn.text)
        else:
            super().on_text(turn)

    def on_button(self, turn: Turn, action: str, arg: str) -> None:
        """Buttons of the plan; `show` and `done` also end what they leave."""
        if action == "show" and self.fire(turn, "show"):
            self.show_plan(turn)
        elif action == "change" and self.fire(turn, "change"):
            self.prompt(turn)
        elif action == "done" and self.fire(turn, "done"):
            self.close(turn)
        elif action not in ("show", "change", "done"):
            super().on_button(turn, action, arg)
        else:
            turn.engine.stale_button(turn)

    def stop(self, turn: Turn) -> None:
        """/stop: while writing, show the plan so far (the only chance when it is not kept)."""
        if turn.state == "writing" and self.fire(turn, "show"):
            self.show_plan(turn)
        else:
            self.fire(turn, "done")
            self.close(turn)

    def close(self, turn: Turn) -> None:
        """Rest at the menu."""
        turn.ctx.pop(HELD_KEY, None)
        key = "safety_plan.closed" if any(read_plan(turn).values()) else "safety_plan.later"
        turn.reply(turn.say(key), turn.engine.menu_buttons(turn))
        turn.finish()

    # Conditions and callbacks

    def known_step(self, event: EventData) -> bool:
        """Whether the chosen step exists."""
        return self.plan.step(str(event_arg(event, "arg", ""))) is not None

    def walk_from_start(self, event: EventData) -> None:
        """Begin with the first step; every step follows in order."""
        turn = turn_of(event)
        turn.ctx.update({MODE_KEY: WALK, INDEX_KEY: 0})
        self.ask(turn)

    def write_one(self, event: EventData) -> None:
        """Rewrite one step chosen from the plan screen, then go back to the plan."""
        turn = turn_of(event)
        step_id = str(event_arg(event, "arg"))
        index = next(i for i, step in enumerate(self.plan.steps) if step.id == step_id)
        turn.ctx.update({MODE_KEY: ONE, INDEX_KEY: index})
        self.ask(turn)

    def take_answer(self, event: EventData) -> None:
        """Keep (or hold) the answer, then move on."""
        turn = turn_of(event)
        save_step(turn, self.current_step(turn).id, str(event_arg(event, "text", "")))
        if not event_arg(event, "quiet", False):
            turn.reply(turn.say("safety_plan.saved"))
        self.advance(turn)

    def clear_current(self, event: EventData) -> None:
        """Empty the current step, then move on."""
        turn = turn_of(event)
        clear_step(turn, self.current_step(turn).id)
        turn.reply(turn.say("safety_plan.cleared"))
        self.advance(turn)

    def next_step(self, event: EventData) -> None:
        """Leave the step as it is and move on."""
        self.advance(turn_of(event))

    def advance(self, turn: Turn) -> None:
        """The next step; after the last one, or after a single rewrite, the whole plan."""
        index = int(turn.ctx.get(INDEX_KEY, 0)) + 1
        if turn.ctx.get(MODE_KEY) == WALK and index < len(self.plan.steps):
            turn.ctx[INDEX_KEY] = index
            self.ask(turn)
        elif self.fire(turn, "show"):
            self.show_plan(turn)


def plan_words_interrupt(turn: Turn) -> bool:
    """While a step is written, crisis words are part of the plan: keep them, show help first."""
    event = turn.event
    if turn.flow != FLOW or turn.state != "writing" or event.kind is not EventKind.TEXT:
        return False
    if not turn.text or len(event.text) > MAX_TEXT_CHARS:
        return False
    assessment = assess(turn.text)
    if not assessment.needs_help or assessment.kind is None:
        return False
    # As the crisis check would: nothing from an earlier crisis reply is held or paused now.
    turn.ctx.pop(PENDING_KEY, None)
    turn.ctx.pop(PAUSED_KEY, None)
    lines = turn.content.safety.resources_text(country_of(turn.user), assessment.kind.value)
    turn.reply(f"{lines}\n\n{turn.say('safety_plan.unsafe_now')}")
    turn.engine.flows[FLOW].fire(turn, "answer", text=turn.text, quiet=True)
    return True


def sos_rows(turn: Turn) -> list[list[Button]]:
    """For /sos: send the plan first when there is one; the button that opens or starts it."""
    plan = read_plan(turn)
    if not any(plan.values()):
        return [[turn.link("safety_plan.make", f"go:{COMMAND}")]]
    title = turn.say("safety_plan.sos_title")
    summary = render_plan(turn, plan, shorten=SOS_STEP_CHARS, written_only=True)
    turn.reply(f"{title}\n\n{summary}")
    return [[turn.link("safety_plan.open", f"go:{COMMAND}")]]


def render_plan_entry(content: Any, entry: EntryRecord) -> str:
    """A plan step in the journal and the export: the step's title, then the person's words."""
    step = content.section("safety_plan").step(entry.content_id or "")
    title = step.title if step is not None else entry.content_id or ""
    text = entry.text if entry.text is not None else content.text("journal.not_kept")
    return str(content.text("journal.safety_plan_entry", title=title, text=text))


def cmd_safetyplan(turn: Turn, args: str) -> None:
    """/safetyplan: open the plan, or begin writing it."""
    turn.start(FLOW)


def register(engine: Engine) -> None:
    """Add the safety plan, its command and its journal kind; its check runs before the crisis
    check (by its priority)."""
    engine.add_flow(SafetyPlanFlow(engine.content))
    engine.add_command(COMMAND, cmd_safetyplan, "safety_plan.command", order=6)
    engine.add_journal_renderer(ENTRY_KIND, render_plan_entry)
    engine.add_interrupt(plan_words_interrupt, Priority.SAFETY_PLAN_WORDS)
    engine.add_held_text(HELD_KEY, flow=FLOW, per_item=True)
    add_sos_section(engine, sos_rows)
