"""/prepare: get ready for a real conversation, rehearse it, keep a card, look back afterwards.

Who it is with (relationships left out by practice's safety answers are refused, with help),
when (a day and a time in the person's zone), what they want, what they fear, and an if-then
plan. Tandem then plays the other person with a pushback line built from the fear and the area;
the person answers, gets the practice analyser's feedback, may try again, and keeps the
version they like as their opening line. The card (goal, opening line, plan, one kindness line)
is saved as a `preparations` row; the bot sends "your card is ready" on the day and a debrief
offer afterwards (see bot/preparation_notices.py), never quoting the person's words.

While the flow runs, the person's words are held in the context through `protect_text`
(`HELD_KEYS`, registered with `engine.add_held_text`); the row keeps them only with consent.
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from content import Content
from content.practice import CONTEXTS
from content.prepare import PrepareContent
from flows.crisis import Assessment, CrisisKind
from flows.daily_schedule import occurrence_utc, zone_for
from flows.dates import format_date
from flows.engine import Engine
from flows.events import Button, Reply
from flows.flow import Flow
from flows.ports import EntryRecord, PreparationRecord
from flows.practice import (
    SAFETY_RESOURCE_KIND,
    allowed_contexts,
    analyzed_as_empty,
    context_label,
    excluded_contexts,
    keep_safety,
    practice_content,
    quoted_text,
    safety_resources,
    saved_safety,
)
from flows.practice_feedback import find_observations, summarize
from flows.prepare_when import WhenWords, read_time, read_when
from flows.privacy import add_privacy_section
from flows.safety import answer_danger_in_rehearsal, ask_country_once
from flows.turn import Turn

ENTRY_KIND = "prepare"  # one per preparation saved (a bare note without consent)
DEBRIEF_KIND = "prepare_debrief"  # one per debrief answer
DEBRIEFED_KIND = "prepare_debriefed"  # one per debrief finished
DEBRIEF_QUESTIONS = ("prepare.debrief_q1", "prepare.debrief_q2", "prepare.debrief_q3")
TEXT_KEY_PREFIXES = ("prepare.person.", "prepare.debrief_q")

# The person's words held (protected) while the flow runs: {"text": ...} each.
GOAL_KEY, FEAR_KEY, PLAN_KEY = "prep_goal", "prep_fear", "prep_plan"
ANSWER_KEY, EARLIER_KEY = "prep_answer", "prep_earlier"
HELD_KEYS = (GOAL_KEY, FEAR_KEY, PLAN_KEY, ANSWER_KEY, EARLIER_KEY)
# Where typed text is the person's own material (and danger in it is answered here).
TEXT_STATES = ("goal", "fear", "plan", "rehearse", "debrief")
DANGER_KINDS = frozenset({CrisisKind.VIOLENCE, CrisisKind.SEXUAL_VIOLENCE, CrisisKind.FEAR})
DEFAULT_CARD_TIME = time(9, 0)  # the card arrives in the morning when no daily time is set
CARD_LEAD = timedelta(hours=1)  # at the latest this long before the talk
DEBRIEF_AFTER = timedelta(hours=1)  # at the earliest this long after the talk
MAX_DAYS_AHEAD = 60
WEEK_DAYS_SHOWN = 5  # "later this week": the five days after tomorrow
CARD_PREFIX, DEBRIEF_PREFIX = "card-", "debrief-"


def prepare_content(content: Content) -> PrepareContent:
    """The parsed prepare.yaml."""
    return cast(PrepareContent, content.section("prepare"))


def when_words(content: Content) -> WhenWords:
    """Day and month names for reading typed dates."""
    return WhenWords(
        weekdays=content.text("formats.weekdays").split(),
        months=content.text("formats.months").split(),
        day_words=prepare_content(content).date_words,
    )


def person_word(content: Content, area: str) -> str:
    """Who the talk is with, as in "your partner"."""
    key = f"prepare.person.{area}"
    return content.text(key) if content.has(key) else area


def zone_name(turn: Turn) -> str:
    """The person's zone, or UTC when the stored name is unknown."""
    try:
        zone_for(turn.user.timezone)
    except ValueError:
        return "UTC"
    return turn.user.timezone


def local_today(turn: Turn) -> date:
    """Today in the person's zone."""
    return turn.now.astimezone(zone_for(zone_name(turn))).date()


def card_time(turn: Turn) -> time:
    """When cards and debriefs arrive: the daily-prompt time if set, else the morning."""
    raw = turn.user.daily_time if turn.user.daily_enabled else None
    if raw:
        hours, _, minutes = raw.partition(":")
        if hours.isdigit() and minutes.isdigit():
            return time(int(hours), int(minutes))
    return DEFAULT_CARD_TIME


def due_times(
    talk_day: date, talk_at: time, send_at: time, tz_name: str
) -> tuple[datetime, datetime]:
    """When the card and the debrief are due (UTC): the card on the day at `send_at` but at
    least CARD_LEAD before the talk; the debrief the next day at `send_at`, and never sooner
    than DEBRIEF_AFTER after the talk."""
    talk_utc = occurrence_utc(talk_day, talk_at, tz_name)
    card = min(occurrence_utc(talk_day, send_at, tz_name), talk_utc - CARD_LEAD)
    debrief = max(
        occurrence_utc(talk_day + timedelta(days=1), send_at, tz_name), talk_utc + DEBRIEF_AFTER
    )
    return card, debrief


def when_text(content: Content, talk_day: date, talk_time: str) -> str:
    """ "Friday 4 December, 19:00"."""
    return f"{format_date(content, talk_day, 'weekday')}, {talk_time}"


def render_card(content: Content, preparation: PreparationRecord) -> str:
    """The one-screen card: when and with whom, goal, opening line, plan, a kindness line."""
    kindness = prepare_content(content).kindness
    line = kindness[zlib.crc32(f"{preparation.id}".encode()) % len(kindness)]
    parts = [
        content.text(
            "prepare.card_title",
            when=when_text(content, preparation.talk_date, preparation.talk_time),
            person=person_word(content, preparation.area),
        )
    ]
    # The person's words are put in with replace, not format: they may contain braces.
    for key, value in (
        ("prepare.card_goal", preparation.goal),
        ("prepare.card_opening", preparation.opening),
        ("prepare.card_plan", preparation.plan),
    ):
        if value is not None:
            field = key.rsplit("_", 1)[1]
            parts.append(content.texts[key].replace("{" + field + "}", value))
    if preparation.goal is None:
        parts.append(content.text("prepare.card_not_kept"))
    parts.append(content.text("prepare.card_kindness", kindness=line))
    return "\n\n".join(parts)


def card_notice(content: Content, preparation_id: int) -> Reply:
    """The day's notification: no words of the person, one button that shows the card."""
    return Reply(
        text=content.text("prepare.card_ready"),
        buttons=(
            (
                Button(
                    content.text("prepare.card_ready_button"),
                    f"go:prepare:{CARD_PREFIX}{preparation_id}",
                ),
            ),
        ),
    )


def debrief_notice(content: Content, preparation_id: int) -> Reply:
    """The offer to look back, after the talk: no words of the person, one button."""
    return Reply(
        text=content.text("prepare.debrief_ready"),
        buttons=(
            (
                Button(
                    content.text("prepare.debrief_ready_button"),
                    f"go:prepare:{DEBRIEF_PREFIX}{preparation_id}",
                ),
            ),
        ),
    )


def _id_after(arg: str, prefix: str) -> int | None:
    rest = arg[len(prefix) :] if arg.startswith(prefix) else ""
    return int(rest) if rest.isdigit() else None


class PrepareFlow(Flow):
    """Area, day, time, goal, fear, plan, rehearsal, card; and the debrief afterwards."""

    name = "prepare"
    states = [
        "overview",
        "area",
        "day",
        "week",
        "time",
        "goal",
        "fear",
        "plan",
        "rehearse",
        "review",
        "held",
        "debrief",
    ]
    initial = "area"
    # Each step is reached by `to_<state>`, only from the steps that lead to it; the handlers
    # below read the step's answer before moving on (a refused move shows the step again).
    transitions = [
        {"trigger": f"to_{dest}", "source": sources, "dest": dest}
        for dest, sources in {
            "overview": ["area"],
            "area": ["overview"],
            "day": ["area", "day", "week", "time"],
            "week": ["day"],
            "time": ["day", "week", "time"],
            "goal": ["day", "week", "time"],
            "fear": ["goal"],
            "plan": ["fear"],
            "rehearse": ["plan", "review"],
            "review": ["rehearse"],
            "held": list(TEXT_STATES),
            "debrief": ["area"],
        }.items()
    ]

    def __init__(self, content: Content) -> None:
        super().__init__(content)
        self.prepare = prepare_content(content)

    # Entering

    def start(self, turn: Turn, **kwargs: Any) -> None:
        """Debrief a talk, start with a named area, show the overview, or ask who."""
        arg = str(kwargs.get("arg") or "").strip().lower()
        debrief_id = _id_after(arg, DEBRIEF_PREFIX)
        if debrief_id is not None:
            self.begin_debrief(turn, debrief_id)
            return
        if arg in CONTEXTS:
            turn.reply(turn.say("prepare.intro"))
            self.choose_area(turn, arg)
            return
        if self.upcoming(turn):
            self.move(turn, "overview")
            return
        turn.reply(turn.say("prepare.intro"))
        self.ask_area(turn)

    def move(self, turn: Turn, state: str) -> None:
        """Go to `state` and show it."""
        self.fire(turn, f"to_{state}")
        self.prompt(turn)

    def prompt(self, turn: Turn) -> None:
        """Show the current step."""
        shows = {
            "overview": self.show_overview,
            "area": self.ask_area,
            "day": self.ask_day,
            "week": self.ask_week_day,
            "time": self.ask_time,
            "goal": self.ask_goal,
            "fear": self.ask_fear,
            "plan": self.ask_plan,
            "rehearse": self.show_rehearsal,
            "review": self.show_review,
            "held": self.held_message,
            "debrief": self.ask_debrief,
        }
        shows[turn.state](turn)

    # Held words

    def hold_text(self, turn: Turn, key: str, text: str) -> None:
        """Keep the person's words for this flow, protected."""
        turn.ctx[key] = {"text": turn.hold_text(key, text)}

    def held_text(self, turn: Turn, key: str) -> str | None:
        """Words held under `key`, or None."""
        held = turn.ctx.get(key)
        if isinstance(held, dict) and isinstance(held.get("text"), str):
            return turn.store.reveal_text(held["text"])
        return None

    # Overview

    def upcoming(self, turn: Turn) -> list[PreparationRecord]:
        """Preparations whose talk is today or later, or whose debrief is still open."""
        today = local_today(turn)
        return [
            p
            for p in turn.store.list_preparations(turn.user.user_id)
            if p.talk_date >= today or p.debriefed_at is None
        ]

    def talk_passed(self, turn: Turn, preparation: PreparationRecord) -> bool:
        """Whether the talk's time has come (so it can be looked back on)."""
        at = time.fromisoformat(preparation.talk_time)
        return occurrence_utc(preparation.talk_date, at, zone_name(turn)) <= turn.now

    def show_overview(self, turn: Turn) -> None:
        """Prepared talks with their cards (and debriefs once past), and a new one."""
        lines = [turn.say("prepare.overview")]
        rows: list[list[Button]] = []
        for found in self.upcoming(turn)[:5]:
            person = person_word(turn.content, found.area)
            day = format_date(turn.content, found.talk_date, "short")
            lines.append(
                turn.say(
                    "prepare.overview_line",
                    when=when_text(turn.content, found.talk_date, found.talk_time),
                    person=person,
                )
            )
            rows.append(
                [
                    turn.link(
                        "prepare.show_card",
                        f"go:prepare:{CARD_PREFIX}{found.id}",
                        day=day,
                        person=person,
                    )
                ]
            )
            if self.talk_passed(turn, found) and found.debriefed_at is None:
                rows.append(
                    [
                        turn.link(
                            "prepare.tell_how", f"go:prepare:{DEBRIEF_PREFIX}{found.id}", day=day
                        )
                    ]
                )
        rows.append([turn.button("prepare.new", "new")])
        rows.append([turn.link("common.menu", "go:menu")])
        turn.reply("\n".join(lines), rows)

    # Who

    def ask_area(self, turn: Turn) -> None:
        """Who is the conversation with? Only relationships open to practice are offered."""
        allowed = allowed_contexts(turn)
        if not allowed:
            self.refuse(turn, turn.say("prepare.all_not_safe"))
            return
        buttons = [turn.choice(context_label(turn, c), "area", c) for c in allowed]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([turn.button("common.not_now", "stop")])
        turn.reply(turn.say("prepare.ask_area"), rows)

    def refuse(self, turn: Turn, text: str) -> None:
        """A relationship marked not safe: help instead of preparing, then rest at the menu."""
        turn.reply(text)
        turn.reply(
            safety_resources(turn),
            [
                [turn.link("prepare.safety_answers", "go:practice:safety")],
                [turn.link("common.menu", "go:menu")],
            ],
        )
        ask_country_once(turn, SAFETY_RESOURCE_KIND)
        self.drop_held(turn)
        turn.finish()

    def choose_area(self, turn: Turn, area: str) -> None:
        """Take the area, unless the safety answers left it out."""
        if area not in CONTEXTS:
            self.ask_area(turn)
            return
        if area in excluded_contexts(turn):
            label = context_label(turn, area).lower()
            self.refuse(turn, turn.say("prepare.area_not_safe", area=label))
            return
        turn.ctx["area"] = area
        if not turn.keeps_words:
            turn.reply(turn.say("prepare.not_kept_note"))
        self.move(turn, "day")

    # When

    def ask_day(self, turn: Turn) -> None:
        """Today, tomorrow, later this week, or a typed day."""
        turn.reply(
            turn.say("prepare.ask_day"),
            [
                [
                    turn.button("prepare.day_today", "day", "0"),
                    turn.button("prepare.day_tomorrow", "day", "1"),
                ],
                [turn.button("prepare.day_this_week", "week")],
                [turn.button("common.not_now", "stop")],
            ],
        )

    def ask_week_day(self, turn: Turn) -> None:
        """The days after tomorrow, by name."""
        today = local_today(turn)
        days = [today + timedelta(days=2 + n) for n in range(WEEK_DAYS_SHOWN)]
        buttons = [
            turn.choice(format_date(turn.content, d, "weekday"), "day", str((d - today).days))
            for d in days
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([turn.button("common.not_now", "stop")])
        turn.reply(turn.say("prepare.pick_week_day"), rows)

    def set_day(self, turn: Turn, day: date, at: time | None = None) -> None:
        """Take the day; with a time too, go straight on to the goal."""
        today = local_today(turn)
        if day < today:
            turn.reply(turn.say("prepare.day_past"))
            self.move(turn, "day")
            return
        if (day - today).days > MAX_DAYS_AHEAD:
            turn.reply(turn.say("prepare.day_too_far"))
            self.move(turn, "day")
            return
        turn.ctx["day"] = day.isoformat()
        if at is not None:
            self.set_time(turn, at)
        else:
            self.move(turn, "time")

    def ask_time(self, turn: Turn) -> None:
        """About what time? Morning, afternoon, evening, or typed."""
        day = date.fromisoformat(turn.ctx["day"])
        rows = [[turn.choice(t.label, "time", t.id)] for t in self.prepare.times_of_day]
        rows.append([turn.button("common.not_now", "stop")])
        turn.reply(
            turn.say("prepare.ask_time", day=format_date(turn.content, day, "weekday")), rows
        )

    def set_time(self, turn: Turn, at: time) -> None:
        """Take the time, unless it has passed today."""
        day = date.fromisoformat(turn.ctx["day"])
        if occurrence_utc(day, at, zone_name(turn)) <= turn.now:
            turn.reply(turn.say("prepare.time_past"))
            self.move(turn, "time")
            return
        turn.ctx["time"] = at.strftime("%H:%M")
        self.move(turn, "goal")

    # What they want, fear, and will do

    def ask_goal(self, turn: Turn) -> None:
        """What do you want from this talk?"""
        day = date.fromisoformat(turn.ctx["day"])
        turn.reply(
            turn.say(
                "prepare.ask_goal",
                when=when_text(turn.content, day, turn.ctx["time"]),
                person=person_word(turn.content, turn.ctx["area"]),
            ),
            [[turn.button("common.not_now", "stop")]],
        )

    def ask_fear(self, turn: Turn) -> None:
        """What are you afraid will happen?"""
        turn.reply(turn.say("prepare.ask_fear"), [[turn.button("common.not_now", "stop")]])

    def ask_plan(self, turn: Turn) -> None:
        """If it happens, what will you do?"""
        turn.reply(turn.say("prepare.ask_plan"), [[turn.button("common.not_now", "stop")]])

    # Rehearsal

    def show_rehearsal(self, turn: Turn) -> None:
        """Tandem plays the other person, answering the way the person feared."""
        area = turn.ctx["area"]
        person = person_word(turn.content, area)
        pushback = self.prepare.pushback(area, self.held_text(turn, FEAR_KEY) or "")
        turn.reply(
            "\n\n".join(
                [
                    turn.say("prepare.rehearse_intro", person=person),
                    turn.say(
                        "prepare.rehearse_line", person=person, pushback=pushback
                    ),
                    turn.say("prepare.rehearse_ask"),
                ]
            ),
            [[turn.button("common.not_now", "stop")]],
        )

    def give_feedback(self, turn: Turn, answer: str) -> None:
        """The practice analyser's feedback on the answer; then try again or keep it."""
        earlier = self.held_text(turn, ANSWER_KEY)
        if earlier is not None:
            self.hold_text(turn, EARLIER_KEY, earlier)
        self.hold_text(turn, ANSWER_KEY, answer)
        observations = practice_content(turn.content).observations
        chosen = summarize(find_observations(answer))
        parts = [turn.say("prepare.feedback_intro")]
        for strength, key in (
            (True, "prepare.feedback_strengths"),
            (False, "prepare.feedback_try"),
        ):
            found = [f for f in chosen if f.is_strength is strength]
            if found:
                lines = [turn.say(key)]
                lines += [f"• {quoted_text(observations[f.observation], f)}" for f in found]
                parts.append("\n".join(lines))
        if len(parts) == 1:
            parts.append(turn.say("prepare.feedback_plain"))
        turn.reply("\n\n".join(parts))
        self.move(turn, "review")

    def show_review(self, turn: Turn) -> None:
        """Try again, keep this answer, or keep the one before."""
        rows = [
            [
                turn.button("prepare.try_again", "again"),
                turn.button("prepare.keep_this", "keep", "this"),
            ]
        ]
        if turn.ctx.get(EARLIER_KEY):
            rows.append([turn.button("prepare.keep_earlier", "keep", "earlier")])
        rows.append([turn.button("common.not_now", "stop")])
        turn.reply(turn.say("prepare.review_ask"), rows)

    def keep_answer(self, turn: Turn, which: str) -> None:
        """Save the preparation with the chosen answer as the opening line; show the card."""
        opening = self.held_text(turn, EARLIER_KEY if which == "earlier" else ANSWER_KEY)
        if opening is None:
            self.prompt(turn)
            return
        turn.reply(turn.say("prepare.kept_line"))
        day = date.fromisoformat(turn.ctx["day"])
        talk_at = time.fromisoformat(turn.ctx["time"])
        card_due, debrief_due = due_times(day, talk_at, card_time(turn), zone_name(turn))
        keep = turn.keeps_words
        record = PreparationRecord(
            user_id=turn.user.user_id,
            area=turn.ctx["area"],
            goal=self.held_text(turn, GOAL_KEY) if keep else None,
            fear=self.held_text(turn, FEAR_KEY) if keep else None,
            plan=self.held_text(turn, PLAN_KEY) if keep else None,
            opening=opening if keep else None,
            talk_date=day,
            talk_time=turn.ctx["time"],
            created_at=turn.now,
            card_due_utc=card_due,
            debrief_due_utc=debrief_due,
            # Prepared on the day, after the card's time: they are looking at it right now.
            card_sent_at=turn.now if card_due <= turn.now else None,
        )
        new_id = turn.store.add_preparation(record)
        turn.keep(ENTRY_KIND, content_id=record.area, data={"preparation": new_id})
        # The card on screen now shows their words even when the row keeps none.
        shown = replace(
            record,
            id=new_id,
            goal=self.held_text(turn, GOAL_KEY),
            plan=self.held_text(turn, PLAN_KEY),
            opening=opening,
        )
        saved = "prepare.card_saved_today" if record.card_sent_at else "prepare.card_saved"
        turn.reply(render_card(turn.content, shown))
        turn.reply(
            turn.say(saved),
            [[turn.link("prepare.menu_label", "go:prepare"), turn.link("common.menu", "go:menu")]],
        )
        self.drop_held(turn)
        turn.finish()

    def drop_held(self, turn: Turn) -> None:
        """Forget the words held for this flow."""
        for key in HELD_KEYS:
            turn.ctx.pop(key, None)

    # Debrief

    def begin_debrief(self, turn: Turn, preparation_id: int) -> None:
        """Three questions about a talk that has happened."""
        found = turn.store.preparation(turn.user.user_id, preparation_id)
        if found is None:
            turn.reply(turn.say("prepare.card_missing"), [[turn.link("common.menu", "go:menu")]])
            turn.finish()
            return
        if found.debriefed_at is not None:
            turn.reply(turn.say("prepare.debrief_done"), [[turn.link("common.menu", "go:menu")]])
            turn.finish()
            return
        turn.ctx["debrief"] = {"id": found.id, "index": 0, "answered": 0}
        turn.reply(turn.say("prepare.debrief_intro"))
        self.move(turn, "debrief")

    def ask_debrief(self, turn: Turn) -> None:
        """The current debrief question, with Skip and Stop."""
        index = int(turn.ctx.get("debrief", {}).get("index", 0))
        turn.reply(
            turn.say(DEBRIEF_QUESTIONS[min(index, len(DEBRIEF_QUESTIONS) - 1)]),
            [
                [
                    turn.button("prepare.debrief_skip", "skip"),
                    turn.button("common.not_now", "stop"),
                ]
            ],
        )

    def next_debrief(self, turn: Turn, answer: str | None) -> None:
        """Keep an answer (or skip), then the next question or the thanks."""
        debrief = dict(turn.ctx.get("debrief", {}))
        index = int(debrief.get("index", 0))
        if answer is not None:
            turn.keep(
                DEBRIEF_KIND,
                content_id=f"q{index + 1}",
                text=answer,
                data={"preparation": debrief.get("id")},
            )
            debrief["answered"] = int(debrief.get("answered", 0)) + 1
        debrief["index"] = index + 1
        turn.ctx["debrief"] = debrief
        if debrief["index"] < len(DEBRIEF_QUESTIONS):
            self.ask_debrief(turn)
            return
        turn.store.mark_debriefed(turn.user.user_id, int(debrief["id"]), turn.now)
        turn.keep(DEBRIEFED_KIND, data={"preparation": debrief.get("id")})
        parts = [turn.say("prepare.debrief_thanks")]
        if debrief["answered"] and not turn.keeps_words:
            parts.append(turn.say("prepare.debrief_not_kept"))
        turn.reply(
            "\n\n".join(parts),
            [
                [
                    turn.link("reflection.open_journal", "go:journal"),
                    turn.link("common.menu", "go:menu"),
                ]
            ],
        )
        turn.ctx.pop("debrief", None)
        turn.finish()

    # Input

    def on_text(self, turn: Turn) -> None:
        """Typed answers for each step."""
        text = turn.text
        state = turn.state
        if state == "area":
            self.choose_area(turn, self.typed_area(turn) or "")
        elif state in ("day", "week"):
            reading = read_when(text, local_today(turn), when_words(turn.content))
            if reading.day is not None:
                self.set_day(turn, reading.day, reading.at)
            else:
                turn.reply(turn.say("prepare.day_past" if reading.past else "prepare.day_unclear"))
                self.prompt(turn)
        elif state == "time":
            at, rest = read_time(text)
            if at is None:
                named = self.typed_time_of_day(rest)
                at = named
            if at is None:
                turn.reply(turn.say("prepare.time_unclear"))
                self.prompt(turn)
            else:
                self.set_time(turn, at)
        elif state == "goal":
            self.hold_text(turn, GOAL_KEY, text)
            self.move(turn, "fear")
        elif state == "fear":
            self.hold_text(turn, FEAR_KEY, text)
            self.move(turn, "plan")
        elif state == "plan":
            self.hold_text(turn, PLAN_KEY, text)
            self.move(turn, "rehearse")
        elif state == "rehearse":
            if analyzed_as_empty(text):
                turn.reply(turn.say("prepare.rehearse_empty"))
                self.prompt(turn)
            else:
                self.give_feedback(turn, text)
        elif state == "debrief":
            self.next_debrief(turn, text)
        else:
            super().on_text(turn)

    def typed_area(self, turn: Turn) -> str | None:
        """An area typed by name ("work", "Partner")."""
        wanted = turn.text.casefold()
        for context in CONTEXTS:
            if wanted in (context, context_label(turn, context).casefold()):
                return context
        return None

    def typed_time_of_day(self, text: str) -> time | None:
        """ "evening" and the like, from the time-of-day buttons' ids."""
        for choice in self.prepare.times_of_day:
            if choice.id in text.split():
                return choice.time
        return None

    def on_button(self, turn: Turn, action: str, arg: str) -> None:
        """This flow's buttons."""
        if action == "stop":
            self.stop(turn)
        elif action == "new" and turn.state == "overview":
            turn.reply(turn.say("prepare.intro"))
            self.move(turn, "area")
        elif action == "area" and turn.state == "area":
            self.choose_area(turn, arg)
        elif action == "day" and turn.state in ("day", "week") and arg.isdigit():
            self.set_day(turn, local_today(turn) + timedelta(days=int(arg)))
        elif action == "week" and turn.state == "day":
            self.move(turn, "week")
        elif action == "time" and turn.state == "time":
            choice = self.prepare.time_of_day(arg)
            if choice is None:
                self.prompt(turn)
            else:
                self.set_time(turn, choice.time)
        elif action == "again" and turn.state == "review":
            self.move(turn, "rehearse")
        elif action == "keep" and turn.state == "review":
            self.keep_answer(turn, arg)
        elif action == "skip" and turn.state == "debrief":
            self.next_debrief(turn, None)
        elif action == "leave_out" and turn.state == "held":
            self.leave_out(turn)
        else:
            turn.engine.stale_button(turn)

    def stop(self, turn: Turn) -> None:
        """Stop: nothing is saved for an unfinished preparation."""
        self.drop_held(turn)
        if turn.state == "debrief" and turn.ctx.get("debrief", {}).get("answered"):
            turn.reply(turn.say("prepare.debrief_thanks"), [[turn.link("common.menu", "go:menu")]])
        else:
            turn.reply(turn.say("prepare.stop"), [[turn.link("common.menu", "go:menu")]])
        turn.finish()

    # Danger in what the person typed

    def on_safety(self, turn: Turn, assessment: Assessment) -> bool:
        """Fear or violence in a goal, fear, plan, answer or debrief: safety, not rehearsal.

        The held words are dropped; a crisis reading still gets the full crisis reply."""
        kind = assessment.kind
        if turn.state not in TEXT_STATES or kind not in DANGER_KINDS or assessment.about_other:
            return False
        self.drop_held(turn)
        turn.ctx.pop("debrief", None)
        self.fire(turn, "to_held")
        if not answer_danger_in_rehearsal(turn, assessment, turn.say("prepare.safety_note")):
            self.held_message(turn)
        return True

    def held_message(self, turn: Turn) -> None:
        """After the safety note: leave that relationship out of preparing, or stop."""
        area = turn.ctx.get("area")
        rows: list[list[Button]] = []
        if area in CONTEXTS:
            label = context_label(turn, area).lower()
            rows.append([turn.button("prepare.safety_leave_out", "leave_out", area=label)])
        rows.append([turn.button("common.not_now", "stop")])
        turn.reply(turn.say("prepare.held_ask"), rows)

    def leave_out(self, turn: Turn) -> None:
        """Mark the area as not safe in practice's safety answers (used here too)."""
        area = str(turn.ctx.get("area"))
        record = saved_safety(turn) or {"feels": "danger", "unsafe": [], "hurt": "no"}
        unsafe = {*record.get("unsafe", []), area} & set(CONTEXTS)
        record.update(
            unsafe=[c for c in CONTEXTS if c in unsafe], answered_at=turn.now.isoformat()
        )
        keep_safety(turn, record)
        turn.reply(
            turn.say("prepare.safety_left_out", area=context_label(turn, area).lower()),
            [[turn.link("common.menu", "go:menu")]],
        )
        turn.finish()


# --- commands, journal ------------------------------------------------------------------------


def show_card(turn: Turn, preparation_id: int) -> None:
    """Show a card without leaving whatever the person is doing."""
    found = turn.store.preparation(turn.user.user_id, preparation_id)
    if found is None:
        turn.reply(turn.say("prepare.card_missing"), [[turn.link("common.menu", "go:menu")]])
        return
    turn.reply(
        render_card(turn.content, found),
        [[turn.link("prepare.menu_label", "go:prepare"), turn.link("common.menu", "go:menu")]],
    )


def cmd_prepare(turn: Turn, args: str) -> None:
    """/prepare [partner|friends|family|work]: prepare a real conversation."""
    card_id = _id_after(args.strip().lower(), CARD_PREFIX)
    if card_id is not None:
        show_card(turn, card_id)
        return
    turn.start(PrepareFlow.name, arg=args)


def render_prepare_entry(content: Content, entry: EntryRecord) -> str:
    """A prepared talk in the journal: with whom, when it was prepared."""
    return content.text(
        "prepare.journal_prepared",
        person=person_word(content, entry.content_id or ""),
        day=format_date(content, entry.created_at.date(), "medium"),
    )


def render_debrief_entry(content: Content, entry: EntryRecord) -> str:
    """A debrief answer in the journal: the question, then the answer."""
    key = f"prepare.debrief_{entry.content_id}"
    question = content.text(key) if content.has(key) else ""
    text = entry.text if entry.text is not None else content.text("journal.not_kept")
    return content.text("prepare.journal_debrief", question=question, text=text)


def register(engine: Engine) -> None:
    """Add /prepare: the flow, the command, a menu entry and journal renderers."""
    engine.add_flow(PrepareFlow(engine.content))
    engine.add_command("prepare", cmd_prepare, "prepare.command", order=35)
    engine.add_menu_item("prepare.menu_label", "go:prepare", order=35)
    engine.add_journal_renderer(ENTRY_KIND, render_prepare_entry)
    engine.add_journal_renderer(DEBRIEF_KIND, render_debrief_entry)
    for key in HELD_KEYS:
        engine.add_held_text(key, flow=PrepareFlow.name)
    add_privacy_section(engine, lambda turn: (turn.say("prepare.privacy"), []))
