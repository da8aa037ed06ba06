"""Safety first: every typed message is read for danger before any flow sees it; /sos any time.

The reading (`flows.crisis.assess`) has four outcomes, and each gets its own answer here:
- crisis: help first. The numbers come within the first three lines, then one line on staying
  safe right now; buttons offer a message draft for someone they trust, a safety plan (when
  that feature is installed), saving the message, carrying on or pausing. Someone worried about
  another person gets the same local lines, addressed to them as the helper.
- check-in: a direct, caring question ("Are you thinking about ending your life?" or "Are you
  safe right now?") with Yes / No / I'd rather not say. Yes gives the crisis reply; No lets the
  held message go on to the flow as if just typed; rather-not shows the lines gently.
- past: a brief acknowledgement and /sos in one line, then the message goes on as usual.
- calm: nothing.

The current flow is left exactly where it was (paused, not lost): "Carry on" shows its prompt
again. A flow may take over the answer for its own states by implementing `SafetyAware`
(practice does, so fear of someone's anger never gets assertiveness feedback). The message
itself is not kept unless the person saves it; until their next event it is held through
`protect_text` (encrypted when keys are configured), and only when they agreed to keep words.

Where the person is decides which lines they see: the country is asked once (in /sos, in the
first crisis reply and in the practice safety screen) and kept in prefs as `country`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable
from weakref import WeakKeyDictionary

from content.safety import CRISIS_KINDS, DANGER_KINDS, SafetyContent
from flows import crisis
from flows.crisis import CALM, Assessment, CrisisKind, Outcome
from flows.engine import Engine, Priority
from flows.events import Button, EventKind
from flows.home import back_buttons
from flows.places import country_for_zone, match_country, tz_country_name
from flows.ports import UserRecord
from flows.turn import Turn

# Rendered by content.safety.SafetyContent (crisis texts by kind, the resource list), or built
# here at run time (acknowledgements of past experiences, country names).
TEXT_KEY_PREFIXES = (
    "safety.crisis.",
    "safety.helper.",
    "safety.resources_intro",
    "safety.emergency",
    "safety.resource_line",
    "safety.past.",
    "safety.where.name.",
)
ACTION = "crisis"
# Conversation-context keys. They live in the current flow's context, so a change of flow
# drops them too.
PENDING_KEY = "_crisis"  # {"outcome", "kind", "helper"?, "text": protected?, "command"?}
PAUSED_KEY = "_paused"
WHERE_KEY = "_where"  # waiting for a typed country name; the value is the kind of lines to show
NOTE_KIND = "note"  # a crisis message the person chose to keep, as a journal entry
COUNTRY_PREF = "country"
COUNTRY_ASKED_PREF = "country_asked"  # the country question was shown once: don't ask again
ZONE_CHOSEN_PREF = "daily_zone_chosen"  # set by /daily when the person picked a time zone
SAFETY_PLAN_COMMAND = "safetyplan"
# Offered as buttons when asking for the country (the suggestion from the time zone first).
SHORT_LIST = ("US", "GB", "CA", "AU", "IE", "IN", "NZ", "ZA")
# Kinds whose check-in asks about ending one's life; the others ask "Are you safe right now?".
ENDING_KINDS = frozenset({"suicide", "self_harm", "distress"})
# Typed answers to the check-in question. "maybe" counts as yes: when unsure, help first.
YES_WORDS = frozenset(
    {"yes", "y", "yeah", "yea", "yep", "ya", "i am", "maybe", "kind of", "kinda", "sort of"}
)
NO_WORDS = frozenset({"no", "n", "nope", "nah", "not really", "i'm not", "im not", "no i'm not"})

Assessor = Callable[[str], Assessment]
# A part another feature adds to /sos (e.g. the person's safety plan): it may send its own
# message first, and returns the button rows it wants under /sos.
SosSection = Callable[[Turn], list[list[Button]]]

_SOS_SECTIONS: WeakKeyDictionary[Engine, list[SosSection]] = WeakKeyDictionary()
# Button rows other features add under every crisis reply (e.g. "Tidy this chat").
CrisisButtons = Callable[[Turn], list[list[Button]]]
_CRISIS_BUTTONS: WeakKeyDictionary[Engine, list[CrisisButtons]] = WeakKeyDictionary()


@runtime_checkable
class SafetyAware(Protocol):
    """A flow that answers danger in its own states (e.g. practice replies)."""

    def on_safety(self, turn: Turn, assessment: Assessment) -> bool:
        """Answer a crisis, check-in or past reading of typed text; False leaves it to us."""
        ...


def default_assessor(text: str) -> Assessment:
    """The detector, looked up at call time so a replaced `flows.crisis.assess` is used."""
    return crisis.assess(text)


def safety_content(turn: Turn) -> SafetyContent:
    """The parsed safety.yaml."""
    return turn.content.safety


def country_of(user: UserRecord) -> str | None:
    """The person's country for local resources: a preference, else their language's region."""
    chosen = user.prefs.get(COUNTRY_PREF)
    if isinstance(chosen, str) and chosen:
        return chosen
    # Telegram sends IETF tags such as "en-US" or "pt-br"; a bare "en" says nothing of place.
    language = user.language or ""
    _, _, region = language.replace("_", "-").partition("-")
    return region.upper() if len(region) == 2 else None


def suggested_country(user: UserRecord) -> str | None:
    """A likely country to offer first: from the time zone picked in /daily, else the language."""
    if user.prefs.get(ZONE_CHOSEN_PREF):
        from_zone = country_for_zone(user.timezone)
        if from_zone:
            return from_zone
    return country_of(user)


def country_name(turn: Turn, code: str) -> str:
    """Our name for a country, or the tz database's."""
    key = f"safety.where.name.{code}"
    return turn.say(key) if turn.content.has(key) else tz_country_name(code)


def add_sos_section(engine: Engine, section: SosSection) -> None:
    """Run `section(turn)` first in /sos: it may reply, and gives button rows for /sos."""
    _SOS_SECTIONS.setdefault(engine, []).append(section)


def add_crisis_buttons(engine: Engine, rows: CrisisButtons) -> None:
    """Add `rows(turn)` under every crisis reply, above "carry on" and "pause"."""
    _CRISIS_BUTTONS.setdefault(engine, []).append(rows)


def has_safety_plan(turn: Turn) -> bool:
    """Whether the safety plan feature is installed (it lands separately)."""
    return SAFETY_PLAN_COMMAND in turn.engine.commands


# --- the interrupt ------------------------------------------------------------------------------


@dataclass
class SafetyInterrupt:
    """The engine interrupt; `assessor` reads a message (replaceable, e.g. in tests)."""

    assessor: Assessor = default_assessor

    def __call__(self, turn: Turn) -> bool:
        """Runs before any flow: answer danger first; forget an unanswered held message."""
        event = turn.event
        is_safety_button = event.kind is EventKind.BUTTON and event.payload.startswith(
            f"{ACTION}:"
        )
        is_command = event.kind is EventKind.COMMAND
        typed = event.kind is EventKind.TEXT
        # A command's arguments are typed words too ("/faq I want to kill myself").
        words = event.text if (typed or is_command) and event.text.strip() else ""
        assessment = self.assessor(words) if words else CALM
        waiting_for_country = None if is_safety_button else turn.ctx.pop(WHERE_KEY, None)
        if typed and waiting_for_country and not assessment.needs_help:
            typed_country(turn, str(waiting_for_country))
            return True
        pending = turn.ctx.get(PENDING_KEY)
        if typed and isinstance(pending, dict) and pending.get("outcome") == Outcome.CHECK_IN:
            answer = typed_check_in_answer(turn.text)
            if answer is not None and not assessment.needs_help:
                answer_check_in(turn, answer)
                return True
        if not is_safety_button:
            # Whatever the person does next, an unsaved message is no longer held.
            turn.ctx.pop(PENDING_KEY, None)
        if assessment.needs_help:
            turn.ctx.pop(PAUSED_KEY, None)
            respond(turn, assessment)
            return True
        if assessment.outcome is Outcome.PAST:
            # A flow may still hold back in its own states (practice never gives feedback on
            # "last time she broke my phone"); otherwise acknowledge and let it through.
            if typed and flow_takes_over(turn, assessment):
                return True
            acknowledge_past(turn)
        if not typed:
            turn.ctx.pop(PAUSED_KEY, None)
            return False
        if turn.ctx.pop(PAUSED_KEY, None):
            # Back after a pause: show where we were instead of taking this as an answer.
            carry_on(turn)
            return True
        return False


def safety_interrupt(engine: Engine) -> SafetyInterrupt:
    """The engine's safety interrupt (to replace its assessor)."""
    for interrupt in engine.interrupts:
        if isinstance(interrupt, SafetyInterrupt):
            return interrupt
    raise LookupError("the safety feature is not registered")


def respond(turn: Turn, assessment: Assessment) -> None:
    """Answer a crisis or check-in reading of the typed text or command arguments."""
    kind = assessment.kind or CrisisKind.DISTRESS
    if turn.event.kind is EventKind.TEXT and flow_takes_over(turn, assessment):
        return
    held = hold(turn)
    if assessment.outcome is Outcome.CHECK_IN and not assessment.about_other:
        ask_check_in(turn, kind.value, held)
    else:
        show_crisis(turn, kind.value, helper=assessment.about_other, held=held)


def flow_takes_over(turn: Turn, assessment: Assessment) -> bool:
    """Let the current flow answer the reading in its own way, if it has one."""
    flow = turn.engine.current_flow(turn)
    return isinstance(flow, SafetyAware) and flow.on_safety(turn, assessment)


def hold(turn: Turn) -> str | None:
    """The typed message, protected, when the person agreed that we keep their words."""
    if turn.keeps_words and turn.event.kind is EventKind.TEXT:
        return turn.hold_text(PENDING_KEY, turn.text)
    return None


# --- crisis -------------------------------------------------------------------------------------


def answer_danger_in_rehearsal(turn: Turn, assessment: Assessment, note: str) -> bool:
    """Danger typed while rehearsing with someone (practice, prepare): violence read as a crisis,
    and sexual violence, get the full crisis reply (True); fear gets `note` with the local
    violence lines and the country question (False: the flow then offers its own choices)."""
    kind = assessment.kind or CrisisKind.FEAR
    crisis_now = assessment.outcome is Outcome.CRISIS and kind is CrisisKind.VIOLENCE
    if crisis_now or kind is CrisisKind.SEXUAL_VIOLENCE:
        show_crisis(turn, kind.value, held=hold(turn))
        return True
    lines = safety_content(turn).resources_text(country_of(turn.user), CrisisKind.VIOLENCE.value)
    turn.reply("\n\n".join([note, lines]))
    ask_country_once(turn, CrisisKind.VIOLENCE.value)
    return False


def show_crisis(turn: Turn, kind: str, *, helper: bool = False, held: str | None = None) -> None:
    """The crisis reply (numbers first) with its choices; ask for the country once."""
    pending: dict[str, Any] = {"outcome": Outcome.CRISIS.value, "kind": kind}
    if helper:
        pending["helper"] = True
    if held is not None:
        pending["text"] = held
    turn.ctx[PENDING_KEY] = pending
    opening = safety_content(turn).crisis_reply(kind, country_of(turn.user), helper=helper)
    after = turn.say("safety.after_can_save" if held is not None else "safety.after")
    turn.reply(f"{opening}\n\n{after}", crisis_choices(turn))
    ask_country_once(turn, kind)


def crisis_choices(turn: Turn) -> list[list[Button]]:
    """Save (when held), draft, safety plan, country, carry on, pause: global buttons, so the
    flow's own stay valid."""
    pending = turn.ctx.get(PENDING_KEY) or {}
    helper = bool(pending.get("helper"))
    rows = []
    if pending.get("text"):
        rows.append([turn.link("safety.save", f"{ACTION}:save")])
    if not helper:
        rows.append([turn.link("safety.draft", f"{ACTION}:draft")])
        if has_safety_plan(turn):
            rows.append([turn.link("safety.plan", f"go:{SAFETY_PLAN_COMMAND}")])
    if COUNTRY_PREF not in turn.user.prefs and turn.user.prefs.get(COUNTRY_ASKED_PREF):
        rows.append([turn.link("safety.where.ask_button", f"{ACTION}:where:")])
    for extra in _CRISIS_BUTTONS.get(turn.engine, []):
        rows += extra(turn)
    rows.append([turn.link("safety.continue", f"{ACTION}:continue")])
    rows.append([turn.link("safety.pause", f"{ACTION}:pause")])
    return rows


def carry_on(turn: Turn) -> None:
    """Say we are back and show the current flow where it was."""
    turn.reply(turn.say("safety.continued"))
    turn.engine.current_flow(turn).prompt(turn)


def show_draft(turn: Turn, kind: str) -> None:
    """A short message the person can copy and send to someone they trust; we never send it."""
    key = "safety.draft_danger" if kind in DANGER_KINDS else "safety.draft_self"
    turn.reply(turn.say("safety.draft_intro"))
    turn.reply(turn.say(key))  # alone in its message, so it is easy to copy
    turn.reply(turn.say("safety.draft_outro"), crisis_choices(turn))


# --- check-in -----------------------------------------------------------------------------------


def ask_check_in(turn: Turn, kind: str, held: str | None) -> None:
    """The direct, caring question, with Yes / No / I'd rather not say."""
    pending: dict[str, Any] = {"outcome": Outcome.CHECK_IN.value, "kind": kind}
    if held is not None:
        pending["text"] = held
    if turn.event.kind is EventKind.COMMAND:
        pending["command"] = turn.event.command
        if turn.keeps_words and turn.text:
            pending["text"] = turn.hold_text(PENDING_KEY, turn.text)
    turn.ctx[PENDING_KEY] = pending
    question = "safety.check_in.ending" if kind in ENDING_KINDS else "safety.check_in.safe"
    turn.reply(
        f"{turn.say('safety.check_in.lead')}\n\n{turn.say(question)}",
        [
            [
                turn.link("safety.check_in.yes", f"{ACTION}:yes"),
                turn.link("safety.check_in.no", f"{ACTION}:no"),
            ],
            [turn.link("safety.check_in.rather_not", f"{ACTION}:skip")],
        ],
    )


def typed_check_in_answer(text: str) -> str | None:
    """ "yes" / "no" typed instead of pressed; None for anything else."""
    said = " ".join(text.casefold().strip(" .!?").split())
    if said in YES_WORDS:
        return "yes"
    if said in NO_WORDS:
        return "no"
    return None


def answer_check_in(turn: Turn, answer: str) -> None:
    """Yes: the crisis reply. No: on as if just typed. Rather not say: the lines, gently."""
    pending = turn.ctx.pop(PENDING_KEY, None) or {}
    kind = str(pending.get("kind") or CrisisKind.DISTRESS.value)
    text = pending.get("text")
    if answer == "yes":
        if kind == CrisisKind.DISTRESS:
            # They said yes to "Are you thinking about ending your life?": that is suicide.
            kind = CrisisKind.SUICIDE.value
        show_crisis(turn, kind, held=text if pending.get("command") is None else None)
    elif answer == "skip":
        turn.reply(
            "\n\n".join(
                [
                    turn.say("safety.check_in.rather_not_reply"),
                    safety_content(turn).numbers_text(country_of(turn.user), kind),
                ]
            )
        )
        ask_country_once(turn, kind)
        carry_on(turn)
    else:
        turn.reply(turn.say("safety.check_in.thanks_no"))
        let_through(turn, pending)


def let_through(turn: Turn, pending: dict[str, Any]) -> None:
    """The held message goes on to the flow (or its command runs) as if it were just typed."""
    command = pending.get("command")
    protected = pending.get("text")
    if isinstance(protected, str):
        words = turn.store.reveal_text(protected)
        if command is not None:
            name = str(command)
            turn.event = replace(turn.event, kind=EventKind.COMMAND, command=name, text=words)
            if turn.engine.run_command(turn, name, words):
                return
        else:
            turn.event = replace(turn.event, kind=EventKind.TEXT, text=words, payload="")
            turn.engine.current_flow(turn).on_text(turn)
            return
    # Without consent nothing was held: ask for it again rather than lose it silently.
    turn.reply(turn.say("safety.check_in.resend"))
    turn.engine.current_flow(turn).prompt(turn)


# --- past experiences ---------------------------------------------------------------------------


def acknowledge_past(turn: Turn) -> None:
    """One or two lines for a past, resolved experience; the message then goes on as usual."""
    variants = sorted(key for key in turn.content.texts if key.startswith("safety.past."))
    # Varied, but stable for one event (a retried transaction says the same thing).
    seed = zlib.crc32(f"{turn.user.user_id}:{turn.now.isoformat()}".encode())
    chosen = variants[seed % len(variants)]
    turn.reply(f"{turn.say(chosen)}\n{turn.say('safety.past_sos')}")


# --- where the person is ------------------------------------------------------------------------


def ask_country_once(turn: Turn, kind: str | None) -> None:
    """Ask which country they are in, the first time help lines are shown and it is unknown."""
    prefs = turn.user.prefs
    if COUNTRY_PREF in prefs or prefs.get(COUNTRY_ASKED_PREF):
        return
    prefs[COUNTRY_ASKED_PREF] = True
    ask_country(turn, kind)


def ask_country(turn: Turn, kind: str | None) -> None:
    """The country question: a short list (the time zone's country first), another, rather not."""
    suffix = f":{kind}" if kind else ""
    suggestion = suggested_country(turn.user)
    codes = [code for code in SHORT_LIST if code != suggestion]
    buttons = []
    if suggestion:
        label = country_name(turn, suggestion)
        if turn.user.prefs.get(ZONE_CHOSEN_PREF) and suggestion == country_for_zone(
            turn.user.timezone
        ):
            label = turn.say("safety.where.from_zone", country=label)
        buttons.append(Button(label, f"{ACTION}:where:{suggestion}{suffix}"))
    buttons += [Button(country_name(turn, c), f"{ACTION}:where:{c}{suffix}") for c in codes]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            turn.link("safety.where.other", f"{ACTION}:where:other{suffix}"),
            turn.link("safety.where.rather_not", f"{ACTION}:where:none{suffix}"),
        ]
    )
    turn.reply(turn.say("safety.where.question"), rows)


def action_where(turn: Turn, arg: str) -> None:
    """A country button: remember it and show its lines; "other" waits for a typed name."""
    code, _, kind_arg = arg.partition(":")
    pending = turn.ctx.get(PENDING_KEY) or {}
    kind = kind_arg if kind_arg in CRISIS_KINDS else pending.get("kind")
    turn.user.prefs[COUNTRY_ASKED_PREF] = True
    if not code:
        ask_country(turn, kind)
    elif code == "other":
        turn.ctx[WHERE_KEY] = kind or "any"
        turn.reply(turn.say("safety.where.type_it"))
    elif code == "none":
        turn.reply(turn.say("safety.where.declined"), after_where_buttons(turn))
    elif len(code) == 2 and code.isalpha() and code.isupper():
        save_country(turn, code, kind)
    else:
        turn.engine.stale_button(turn)


def typed_country(turn: Turn, waiting: str) -> None:
    """A country name typed after "Another country"."""
    kind = waiting if waiting in CRISIS_KINDS else None
    names = {
        key.rsplit(".", 1)[1]: turn.say(key)
        for key in turn.content.texts
        if key.startswith("safety.where.name.")
    }
    code = match_country(turn.text, names)
    if code is None:
        numbers = safety_content(turn).numbers_text(None, kind)
        turn.reply(f"{turn.say('safety.where.not_found')}\n\n{numbers}", after_where_buttons(turn))
        return
    save_country(turn, code, kind)


def save_country(turn: Turn, code: str, kind: str | None) -> None:
    """Remember the country and show its lines for `kind` (all lines when None)."""
    turn.user.prefs[COUNTRY_PREF] = code
    numbers = safety_content(turn).numbers_text(code, kind)
    turn.reply(
        f"{turn.say('safety.where.saved', country=country_name(turn, code))}\n{numbers}",
        after_where_buttons(turn),
    )


def after_where_buttons(turn: Turn) -> list[list[Button]]:
    """After a country answer: the crisis choices when a crisis reply is open, else go back."""
    pending = turn.ctx.get(PENDING_KEY)
    if isinstance(pending, dict) and pending.get("outcome") == Outcome.CRISIS:
        return crisis_choices(turn)
    return back_buttons(turn)


# --- buttons and /sos ---------------------------------------------------------------------------


def action_crisis(turn: Turn, arg: str) -> None:
    """Buttons under safety replies: save, draft, country, check-in answers, carry on, pause."""
    name, _, rest = arg.partition(":")
    pending = turn.ctx.get(PENDING_KEY)
    pending = pending if isinstance(pending, dict) else None
    outcome = pending.get("outcome") if pending else None
    if name == "continue":
        turn.ctx.pop(PENDING_KEY, None)
        turn.ctx.pop(PAUSED_KEY, None)
        carry_on(turn)
    elif name == "pause":
        turn.ctx.pop(PENDING_KEY, None)
        turn.ctx[PAUSED_KEY] = True
        turn.reply(
            turn.say("safety.paused"),
            [[turn.link("safety.continue", f"{ACTION}:continue")]],
        )
    elif name == "where":
        action_where(turn, rest)
    elif name == "save" and pending and outcome == Outcome.CRISIS and pending.get("text"):
        text = turn.store.reveal_text(str(pending.pop("text")))
        turn.keep(NOTE_KIND, content_id=str(pending.get("kind")), text=text)
        turn.reply(turn.say("safety.saved"), crisis_choices(turn))
    elif name == "draft" and pending and outcome == Outcome.CRISIS:
        show_draft(turn, str(pending.get("kind")))
    elif name in ("yes", "no", "skip") and pending and outcome == Outcome.CHECK_IN and not rest:
        answer_check_in(turn, name)
    else:  # an old or forged button: nothing is held any more
        turn.ctx.pop(PENDING_KEY, None)
        turn.engine.stale_button(turn)


def cmd_sos(turn: Turn, args: str) -> None:
    """/sos: the person's own plan first (when they have one), then where to find help now."""
    rows: list[list[Button]] = []
    for section in _SOS_SECTIONS.get(turn.engine, []):
        rows += section(turn)
    resources = safety_content(turn).resources_text(country_of(turn.user))
    parts = [turn.say("sos.intro"), resources, turn.say("sos.outro")]
    asked = bool(turn.user.prefs.get(COUNTRY_ASKED_PREF))
    if COUNTRY_PREF in turn.user.prefs or asked:
        label = (
            "safety.where.change_button"
            if COUNTRY_PREF in turn.user.prefs
            else ("safety.where.ask_button")
        )
        rows.append([turn.link(label, f"{ACTION}:where:")])
    turn.reply("\n\n".join(parts), [*rows, *back_buttons(turn)])
    ask_country_once(turn, None)


def render_note(content: Any, entry: Any) -> str:
    """A kept crisis message in the journal: just the person's words."""
    return str(entry.text) if entry.text is not None else ""


def register(engine: Engine) -> None:
    """Add the safety interrupt (before any flow), /sos and the journal note kind."""
    engine.add_interrupt(SafetyInterrupt(), Priority.CRISIS)
    engine.add_held_text(PENDING_KEY)
    engine.add_command("sos", cmd_sos, "sos.command", order=5, consent_free=True)
    engine.add_action(ACTION, action_crisis)
    engine.add_journal_renderer(NOTE_KIND, render_note)
