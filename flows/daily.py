"""Daily reflection prompts: /daily settings, the onboarding opt-in, and the prompt's buttons.

The schedule itself lives in the person's record (`daily_*` fields and `next_prompt_due_utc`);
every change here recomputes the next due time, and the scheduler in `bot/` only ever reads who
is due from the database. The prompt message is built here too (`prompt_message`) so that its
texts and button payloads stay next to the code that answers them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from transitions import EventData

from content.daily import MAX_PAUSE_DAYS, DailyContent, DailyPrompt
from flows.daily_schedule import (
    is_fixed_offset,
    local_date_of,
    next_due_utc,
    parse_local_time,
    parse_timezone,
    pause_until_for,
    timezone_label,
    tomorrow_of,
    zone_for,
)
from flows.dates import format_date
from flows.engine import HOME_FLOW, Engine
from flows.events import Button, Reply
from flows.flow import Flow, event_arg, turn_of
from flows.ports import EntryRecord, UserRecord
from flows.practice import SAFETY_PREF
from flows.turn import Turn

FLOW_NAME = "daily"
ENTRY_KIND = "daily"
ACTION_PREFIX = "dp"  # the prompt message's buttons: dp:a:<prompt id>:<yyyymmdd>, dp:n, dp:p
SEEN_PREF = "daily_seen"  # prompt ids shown in the current round (written by the scheduler)
ZONE_CHOSEN_PREF = "daily_zone_chosen"  # the person picked a timezone (UTC is only a default)
# A stored due time this far in the past means the person was away (blocked us) or the bot was
# down for days; it is recomputed from now when they write, so nothing old pops up.
STALE_DUE = timedelta(days=1)


def daily_content(turn_or_engine: Turn | Engine) -> DailyContent:
    """The parsed daily.yaml."""
    content: DailyContent = turn_or_engine.content.section("daily")
    return content


# Schedule helpers shared by the settings flow, the prompt buttons and the interrupt


def local_today(user: UserRecord, now: datetime) -> date:
    """The person's local date now."""
    return local_date_of(now, user.timezone)


def reschedule(turn: Turn) -> None:
    """Recompute the next due time after any change to the person's daily settings.

    If today's prompt was already delivered, a time moved later today waits until tomorrow:
    one prompt a day, whatever the person changes.
    """
    user = turn.user
    if not user.daily_enabled or not user.daily_time:
        user.next_prompt_due_utc = None
        return
    wall = time.fromisoformat(user.daily_time)
    due = next_due_utc(
        wall, user.timezone, turn.now, user.daily_paused_until, user.daily_skip_date
    )
    today = local_today(user, turn.now)
    if local_date_of(due, user.timezone) == today and turn.store.has_delivery(user.user_id, today):
        due = next_due_utc(wall, user.timezone, due, user.daily_paused_until, user.daily_skip_date)
    user.next_prompt_due_utc = due


def describe_when(turn: Turn) -> str:
    """The next due time in the person's words: "today at 08:30", "on Friday 6 June at 08:30"."""
    user = turn.user
    due = user.next_prompt_due_utc
    if due is None:
        return ""
    local = due.astimezone(zone_for(user.timezone))
    wall = local.strftime("%H:%M")
    days_ahead = (local.date() - local_today(user, turn.now)).days
    if days_ahead <= 0:
        return turn.say("daily.when.today", time=wall)
    if days_ahead == 1:
        return turn.say("daily.when.tomorrow", time=wall)
    return turn.say(
        "daily.when.later", date=format_date(turn.content, local.date(), "weekday"), time=wall
    )


def is_paused(user: UserRecord, now: datetime) -> bool:
    """Whether a pause is running (the person's local today is before its end)."""
    paused = user.daily_paused_until
    return paused is not None and local_today(user, now) < paused


def practice_unsafe(prefs: Mapping[str, Any]) -> bool:
    """Whether the practice safety screen limited or paused practice: some relationship is not
    safe to say no in, or the person said (or would rather not say whether) someone hurts them."""
    answers = prefs.get(SAFETY_PREF)
    if not isinstance(answers, Mapping):
        return False
    return bool(answers.get("unsafe")) or answers.get("hurt") in ("yes", "skip")


def prompts_for(prompts: Sequence[DailyPrompt], prefs: Mapping[str, Any]) -> list[DailyPrompt]:
    """The prompts one person may get: none that nudges toward confronting someone while their
    practice is limited or paused for safety."""
    if not practice_unsafe(prefs):
        return list(prompts)
    return [prompt for prompt in prompts if not prompt.confronts]


# The prompt message (sent by the scheduler in bot/)


def prompt_message(
    content: Any, prompt: DailyPrompt, local_date: date, *, neutral: bool = False
) -> Reply:
    """Today's prompt with its three buttons. Its first line is neutral on a lock screen.

    With neutral notifications (discreet mode) the message is one neutral line and nothing
    else: the question shows only after "Open", so no part of it reaches a lock screen.
    """
    answer = f"{ACTION_PREFIX}:a:{prompt.id}:{local_date:%Y%m%d}"
    return Reply(
        text=(
            content.text("discreet.notification")
            if neutral
            else content.text("daily.notification", prompt=prompt.text)
        ),
        buttons=(
            (
                Button(
                    content.text("discreet.open" if neutral else "daily.button.answer"), answer
                ),
                Button(content.text("daily.button.not_today"), f"{ACTION_PREFIX}:n"),
                Button(content.text("daily.button.pause"), f"{ACTION_PREFIX}:p"),
            ),
        ),
    )


def discreet_row(turn: Turn) -> list[list[Button]]:
    """Neutral and silent notifications are set in discreet mode (when it is installed)."""
    if "discreet" not in turn.engine.commands:
        return []
    return [[turn.link("daily.button.discreet", "go:discreet")]]


class DailyFlow(Flow):
    """The /daily settings, the onboarding opt-in, and answering a prompt."""

    name = FLOW_NAME
    states = ["overview", "time", "zone", "pause", "answer"]
    initial = "overview"
    transitions = [
        # Entry point used by start() for a prompt's "Answer now".
        {"trigger": "begin_answer", "source": "overview", "dest": "answer", "after": "show"},
        # The overview's buttons.
        {
            "trigger": "turn_on",
            "source": "overview",
            "dest": "overview",
            "conditions": "has_schedule",
            "after": "enable",
        },
        {"trigger": "turn_on", "source": "overview", "dest": "time", "after": "show"},
        {"trigger": "change_time", "source": "overview", "dest": "time", "after": "show"},
        {"trigger": "change_zone", "source": "overview", "dest": "zone", "after": "show"},
        {"trigger": "pause_days", "source": "overview", "dest": "pause", "after": "show"},
        {"trigger": "skip_tomorrow", "source": "overview", "dest": "overview", "after": "skip"},
        {"trigger": "resume", "source": "overview", "dest": "overview", "after": "unpause"},
        {"trigger": "turn_off", "source": "overview", "dest": "overview", "after": "disable"},
        {"trigger": "close", "source": "overview", "dest": "overview", "after": "closed"},
        # Time, timezone and pause answers: valid ones move on, others ask again kindly.
        {
            "trigger": "pick_time",
            "source": "time",
            "dest": "zone",
            "conditions": ["valid_time", "needs_zone"],
            "after": "keep_time",
        },
        {
            "trigger": "pick_time",
            "source": "time",
            "dest": "overview",
            "conditions": "valid_time",
            "after": "time_saved",
        },
        {"trigger": "pick_time", "source": "time", "dest": "time", "after": "time_invalid"},
        {
            "trigger": "pick_zone",
            "source": "zone",
            "dest": "overview",
            "conditions": "valid_zone",
            "after": "zone_saved",
        },
        {"trigger": "pick_zone", "source": "zone", "dest": "zone", "after": "zone_invalid"},
        {
            "trigger": "pick_days",
            "source": "pause",
            "dest": "overview",
            "conditions": "valid_days",
            "after": "paused",
        },
        {"trigger": "pick_days", "source": "pause", "dest": "pause", "after": "days_invalid"},
        {
            "trigger": "back",
            "source": ["time", "zone", "pause"],
            "dest": "overview",
            "conditions": "in_optin",
            "after": "declined",
        },
        {
            "trigger": "back",
            "source": ["time", "zone", "pause"],
            "dest": "overview",
            "after": "show",
        },
        # The answer to a prompt.
        {"trigger": "answer", "source": "answer", "dest": "overview", "after": "keep_answer"},
        {"trigger": "not_now", "source": "answer", "dest": "overview", "after": "answer_later"},
    ]

    def start(self, turn: Turn, **kwargs: Any) -> None:
        """Open the overview, or go straight to the opt-in, an answer, or the pause choice."""
        mode = kwargs.get("mode", "settings")
        turn.ctx["mode"] = "optin" if mode == "optin" else "settings"
        if mode == "optin":  # "Yes, please" under the onboarding offer
            self.fire(turn, "turn_on")
        elif mode == "answer":
            turn.ctx.update(prompt_id=kwargs["prompt_id"], date=kwargs["date"])
            self.fire(turn, "begin_answer")
        elif mode == "pause" and turn.user.daily_enabled:
            self.fire(turn, "pause_days")
        else:
            self.prompt(turn)

    # What the person sees

    def show(self, event: EventData) -> None:
        """Transition callback: show the step just entered."""
        self.prompt(turn_of(event))

    def prompt(self, turn: Turn) -> None:
        """Show the current step."""
        show = {
            "overview": self.show_overview,
            "time": self.show_time,
            "zone": self.show_zone,
            "pause": self.show_pause,
            "answer": self.show_answer,
        }[turn.state]
        show(turn)

    def show_overview(self, turn: Turn) -> None:
        """Whether prompts are on, when the next comes, and what can be changed."""
        user = turn.user
        if not user.daily_enabled:
            text = turn.say("daily.settings.off")
        elif is_paused(user, turn.now):
            text = turn.say("daily.settings.paused", when=describe_when(turn))
        else:
            text = turn.say(
                "daily.settings.on",
                time=user.daily_time,
                zone=timezone_label(user.timezone),
                when=describe_when(turn),
            )
        turn.reply(text, self.overview_buttons(turn))

    def overview_buttons(self, turn: Turn) -> list[list[Button]]:
        """The overview's buttons for the person's current settings."""
        if not turn.user.daily_enabled:
            return [
                [turn.button("daily.button.turn_on", "turn_on")],
                [turn.button("daily.button.close", "close")],
            ]
        middle = (
            [turn.button("daily.button.resume", "resume")]
            if is_paused(turn.user, turn.now)
            else [
                turn.button("daily.button.pause_days", "pause_days"),
                turn.button("daily.button.skip_tomorrow", "skip_tomorrow"),
            ]
        )
        return [
            [
                turn.button("daily.button.change_time", "change_time"),
                turn.button("daily.button.change_zone", "change_zone"),
            ],
            middle,
            *discreet_row(turn),
            [
                turn.button("daily.button.turn_off", "turn_off"),
                turn.button("daily.button.close", "close"),
            ],
        ]

    def show_time(self, turn: Turn) -> None:
        """Common times as buttons; any "HH:MM" may be typed."""
        times = [
            turn.choice(f"{choice:%H:%M}", "pick_time", f"{choice:%H%M}")
            for choice in daily_content(turn).time_choices
        ]
        rows = [times[i : i + 3] for i in range(0, len(times), 3)]
        rows.append([self.back_button(turn)])
        turn.reply(turn.say("daily.time.ask"), rows)

    def show_zone(self, turn: Turn) -> None:
        """A few timezones as buttons; a city or an offset may be typed."""
        zones = [
            turn.choice(choice.label, "pick_zone", choice.zone)
            for choice in daily_content(turn).timezone_choices
        ]
        rows = [zones[i : i + 2] for i in range(0, len(zones), 2)]
        rows.append([self.back_button(turn)])
        turn.reply(turn.say("daily.zone.ask"), rows)

    def show_pause(self, turn: Turn) -> None:
        """How many days of quiet: a few buttons, or a typed number."""
        days = [
            turn.button("daily.button.days", "pick_days", str(count), days=count)
            for count in daily_content(turn).pause_choices
        ]
        turn.reply(turn.say("daily.pause.ask"), [days, [self.back_button(turn)]])

    def show_answer(self, turn: Turn) -> None:
        """Repeat the prompt being answered."""
        prompt = daily_content(turn).prompt_by_id(str(turn.ctx.get("prompt_id", "")))
        if prompt is None:  # the prompt was removed from content since it was sent
            turn.finish()
            turn.engine.current_flow(turn).prompt(turn)
            return
        turn.reply(
            turn.say("daily.answer.ask", prompt=prompt.text),
            [[turn.button("daily.button.not_today", "not_now")]],
        )

    def back_button(self, turn: Turn) -> Button:
        """Leave a question without changing anything."""
        return turn.button("common.not_now", "back")

    # Input

    def on_text(self, turn: Turn) -> None:
        """Typed answers: a time, a timezone, a number of days, or the answer to a prompt."""
        trigger = {
            "time": "pick_time",
            "zone": "pick_zone",
            "pause": "pick_days",
            "answer": "answer",
        }.get(turn.state)
        if trigger is None:
            super().on_text(turn)
            return
        self.fire(turn, trigger, arg=turn.text)

    def stop(self, turn: Turn) -> None:
        """/stop: leave the settings as they are."""
        self.closed_turn(turn)

    # Conditions

    def in_optin(self, event: EventData) -> bool:
        """Whether this is the onboarding step (leaving it means "not now")."""
        return turn_of(event).ctx.get("mode") == "optin"

    def has_schedule(self, event: EventData) -> bool:
        """Turning on again: a time and a timezone are already known."""
        user = turn_of(event).user
        return bool(user.daily_time) and bool(user.prefs.get(ZONE_CHOSEN_PREF))

    def valid_time(self, event: EventData) -> bool:
        """Whether the typed or pressed time can be read."""
        return _read_time(str(event_arg(event, "arg", ""))) is not None

    def needs_zone(self, event: EventData) -> bool:
        """The person has not picked a timezone yet (and is setting things up)."""
        turn = turn_of(event)
        return not turn.user.prefs.get(ZONE_CHOSEN_PREF)

    def valid_zone(self, event: EventData) -> bool:
        """Whether the typed or pressed timezone is known."""
        return parse_timezone(str(event_arg(event, "arg", ""))) is not None

    def valid_days(self, event: EventData) -> bool:
        """Whether the number of pause days is between 1 and the maximum."""
        raw = str(event_arg(event, "arg", "")).strip()
        return raw.isdigit() and 1 <= int(raw) <= MAX_PAUSE_DAYS

    # Callbacks

    def keep_time(self, event: EventData) -> None:
        """Remember the time while the timezone is asked."""
        turn = turn_of(event)
        wall = _read_time(str(event_arg(event, "arg", "")))
        assert wall is not None
        turn.user.daily_time = f"{wall:%H:%M}"
        self.show_zone(turn)

    def time_saved(self, event: EventData) -> None:
        """A new time for someone whose timezone is known."""
        turn = turn_of(event)
        wall = _read_time(str(event_arg(event, "arg", "")))
        assert wall is not None
        turn.user.daily_time = f"{wall:%H:%M}"
        if turn.user.daily_enabled:
            reschedule(turn)
            self.confirm(
                turn,
                turn.say("daily.confirm.time", time=turn.user.daily_time, when=self.when(turn)),
            )
        else:
            self.enable_turn(turn)

    def time_invalid(self, event: EventData) -> None:
        """Say kindly that the time could not be read, and ask again."""
        turn = turn_of(event)
        turn.reply(turn.say("daily.time.invalid"))
        self.show_time(turn)

    def zone_saved(self, event: EventData) -> None:
        """Store the timezone; finish setting up, or confirm the change."""
        turn = turn_of(event)
        zone = parse_timezone(str(event_arg(event, "arg", "")))
        assert zone is not None
        turn.user.timezone = zone
        turn.user.prefs[ZONE_CHOSEN_PREF] = True
        if is_fixed_offset(zone) and zone != "UTC":
            turn.reply(turn.say("daily.zone.fixed_note"))
        if turn.user.daily_enabled:
            reschedule(turn)
            self.confirm(
                turn,
                turn.say("daily.confirm.zone", zone=timezone_label(zone), when=self.when(turn)),
            )
        elif turn.user.daily_time:
            self.enable_turn(turn)
        else:
            self.show_overview(turn)

    def zone_invalid(self, event: EventData) -> None:
        """Say kindly that the timezone is unknown, and ask again."""
        turn = turn_of(event)
        turn.reply(turn.say("daily.zone.invalid"))
        self.show_zone(turn)

    def enable(self, event: EventData) -> None:
        """Turn prompts on with the time and timezone already known."""
        self.enable_turn(turn_of(event))

    def enable_turn(self, turn: Turn) -> None:
        """Switch prompts on, schedule the first, and confirm when it comes."""
        user = turn.user
        user.daily_enabled = True
        user.daily_paused_until = None
        user.daily_skip_date = None
        reschedule(turn)
        self.confirm(
            turn,
            turn.say(
                "daily.confirm.on",
                time=user.daily_time,
                zone=timezone_label(user.timezone),
                when=self.when(turn),
            ),
        )

    def skip(self, event: EventData) -> None:
        """Leave tomorrow out."""
        turn = turn_of(event)
        turn.user.daily_skip_date = tomorrow_of(turn.now, turn.user.timezone)
        reschedule(turn)
        self.confirm(turn, turn.say("daily.confirm.skipped", when=self.when(turn)))

    def paused(self, event: EventData) -> None:
        """Pause for the chosen number of days."""
        turn = turn_of(event)
        days = int(str(event_arg(event, "arg", "")).strip())
        turn.user.daily_paused_until = pause_until_for(turn.now, turn.user.timezone, days)
        reschedule(turn)
        self.confirm(turn, turn.say("daily.confirm.paused", when=self.when(turn)))

    def days_invalid(self, event: EventData) -> None:
        """Say which numbers work, and ask again."""
        turn = turn_of(event)
        turn.reply(turn.say("daily.pause.invalid"))
        self.show_pause(turn)

    def unpause(self, event: EventData) -> None:
        """End a pause now."""
        turn = turn_of(event)
        turn.user.daily_paused_until = None
        reschedule(turn)
        self.confirm(turn, turn.say("daily.confirm.resumed", when=self.when(turn)))

    def disable(self, event: EventData) -> None:
        """Turn prompts off; the time and timezone are remembered for later."""
        turn = turn_of(event)
        turn.user.daily_enabled = False
        reschedule(turn)
        turn.reply(turn.say("daily.confirm.off"), turn.engine.menu_buttons(turn))
        turn.finish()

    def declined(self, event: EventData) -> None:
        """Left the set-up that began at the onboarding offer: /daily can do it later."""
        turn = turn_of(event)
        turn.reply(turn.say("daily.onboarding.declined"))
        turn.start(HOME_FLOW)

    def closed(self, event: EventData) -> None:
        """Leave the settings (or a prompt) as they are."""
        self.closed_turn(turn_of(event))

    def closed_turn(self, turn: Turn) -> None:
        """Rest at the menu."""
        if turn.ctx.get("mode") == "optin":
            turn.start(HOME_FLOW)
            return
        turn.reply(turn.say("daily.confirm.closed"), turn.engine.menu_buttons(turn))
        turn.finish()

    def answer_later(self, event: EventData) -> None:
        """Not answering after all: fine, say when the next one comes."""
        turn = turn_of(event)
        when = describe_when(turn) if turn.user.daily_enabled else ""
        text = turn.say("daily.not_today.done", when=when) if when else turn.say("menu.title")
        turn.reply(text, turn.engine.menu_buttons(turn))
        turn.finish()

    def keep_answer(self, event: EventData) -> None:
        """Store the answer in the journal, linked to the prompt and its date."""
        turn = turn_of(event)
        turn.keep(
            ENTRY_KIND,
            content_id=str(turn.ctx.get("prompt_id")),
            text=str(event_arg(event, "arg", "")),
            data={"date": turn.ctx.get("date")},
        )
        key = "daily.answer.saved" if turn.keeps_words else "daily.answer.not_stored"
        turn.reply(
            turn.say(key),
            [[turn.link("daily.open_journal", "go:journal"), turn.link("common.menu", "go:menu")]],
        )
        turn.finish()

    # Helpers

    def when(self, turn: Turn) -> str:
        """The next due time in words."""
        return describe_when(turn)

    def confirm(self, turn: Turn, text: str) -> None:
        """Say what changed; during onboarding go on to the menu, otherwise stay in /daily."""
        if turn.ctx.get("mode") == "optin":
            turn.reply(text)
            turn.start(HOME_FLOW)
            return
        turn.reply(text, self.overview_buttons(turn))


def _read_time(raw: str) -> time | None:
    """A pressed button sends "0830"; a person types "8:30" or "8pm"."""
    return parse_local_time(raw)


# Global buttons and commands


def cmd_daily(turn: Turn, args: str) -> None:
    """/daily: the settings overview (`go:daily:setup` from the onboarding offer: set up now)."""
    turn.start(FLOW_NAME, mode="optin" if args == "setup" else "settings")


def action_prompt(turn: Turn, arg: str) -> None:
    """The prompt message's buttons: `a:<prompt id>:<yyyymmdd>` answer, `n` not today, `p` pause.

    They work from any old prompt message, so they are global buttons, not flow steps.
    """
    kind, _, rest = arg.partition(":")
    if kind == "a":
        prompt_id, _, day = rest.partition(":")
        if daily_content(turn).prompt_by_id(prompt_id) is None:
            turn.engine.stale_button(turn)
            return
        try:
            answered_for = datetime.strptime(day, "%Y%m%d").date().isoformat()
        except ValueError:
            answered_for = local_today(turn.user, turn.now).isoformat()
        turn.start(FLOW_NAME, mode="answer", prompt_id=prompt_id, date=answered_for)
    elif kind == "n":
        when = describe_when(turn) if turn.user.daily_enabled else ""
        if when:
            turn.reply(turn.say("daily.not_today.done", when=when))
        else:
            turn.notice("common.already_done")
    elif kind == "p":
        turn.start(FLOW_NAME, mode="pause")
    elif kind == "x":  # "Not now" under the onboarding offer
        turn.reply(turn.say("daily.onboarding.declined"), turn.engine.menu_buttons(turn))
    else:
        turn.engine.stale_button(turn)


def refresh_stale_schedule(turn: Turn) -> bool:
    """Interrupt: someone back after a long silence (or after blocking us) gets a fresh due time.

    Never handles the event itself, so it returns False.
    """
    user = turn.user
    due = user.next_prompt_due_utc
    if user.daily_enabled and user.daily_time and (due is None or due < turn.now - STALE_DUE):
        reschedule(turn)
    return False


def offer_after_onboarding(turn: Turn) -> None:
    """Once consent is settled: the menu, opened by the offer of a daily question.

    One message, so the menu is there at once; the offer's buttons are global and keep working
    from that message later.
    """
    turn.finish()
    offer = [
        turn.link("daily.button.opt_in", f"go:{FLOW_NAME}:setup"),
        turn.link("daily.button.opt_out", f"{ACTION_PREFIX}:x"),
    ]
    turn.reply(
        f"{turn.say('daily.onboarding.ask')}\n\n{turn.say('menu.title')}",
        [offer, *turn.engine.menu_buttons(turn)],
    )


def render_daily_entry(content: Any, entry: EntryRecord) -> str:
    """A daily answer in the journal: the prompt, then the answer."""
    daily: DailyContent = content.section("daily")
    prompt = daily.prompt_by_id(entry.content_id or "")
    answer = entry.text if entry.text is not None else content.text("journal.not_kept")
    return content.text("daily.journal.entry", prompt=prompt.text if prompt else "", answer=answer)


def register(engine: Engine) -> None:
    """Add /daily, the prompt buttons, the stale-schedule check and the journal renderer."""
    engine.add_flow(DailyFlow(engine.content))
    engine.add_command("daily", cmd_daily, "daily.command", order=70)
    engine.add_menu_item("daily.menu_item", "go:daily", order=70)
    engine.add_action(ACTION_PREFIX, action_prompt)
    engine.add_interrupt(refresh_stale_schedule)
    engine.add_journal_renderer(ENTRY_KIND, render_daily_entry)
