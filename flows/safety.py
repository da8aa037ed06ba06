"""Safety first: crisis language gets help resources before any flow sees it; /sos any time.

The crisis check is an engine interrupt, so it runs for every typed message in every flow. The
current flow is left exactly where it was (paused, not lost): "Carry on" shows its prompt
again. The message itself is not kept, unless the person presses "Save it to my journal"; until
then it is held (encrypted when keys are configured) only until their next event, so that
button can work across restarts and workers.
"""

from __future__ import annotations

from typing import Any

from content.safety import SafetyContent
from flows.crisis import detect_crisis
from flows.engine import Engine
from flows.events import EventKind
from flows.home import back_buttons
from flows.ports import UserRecord
from flows.turn import Turn

# Rendered by content.safety.SafetyContent (crisis texts by kind, the resource list).
TEXT_KEY_PREFIXES = (
    "safety.crisis.",
    "safety.resources_intro",
    "safety.emergency",
    "safety.resource_line",
)
ACTION = "crisis"
# Conversation-context keys. They live in the current flow's context, so a change of flow
# drops them too.
PENDING_KEY = "_crisis"  # {"kind": ..., "text": protected text or absent}
PAUSED_KEY = "_paused"
NOTE_KIND = "note"  # a crisis message the person chose to keep, as a journal entry
COUNTRY_PREF = "country"


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


def crisis_interrupt(turn: Turn) -> bool:
    """Runs before any flow: answer crisis language first; forget an unsaved held message."""
    event = turn.event
    if not (event.kind is EventKind.BUTTON and event.payload.startswith(f"{ACTION}:")):
        # Whatever the person does next, an unsaved crisis message is no longer held.
        turn.ctx.pop(PENDING_KEY, None)
    is_command = event.kind is EventKind.COMMAND
    # A command's arguments are typed words too ("/faq I want to kill myself"): the command
    # does not run and its words are neither used nor held.
    kind = detect_crisis(event.text) if event.kind is EventKind.TEXT or is_command else None
    if event.kind is not EventKind.TEXT and kind is None:
        turn.ctx.pop(PAUSED_KEY, None)
        return False
    if kind is None:
        if turn.ctx.pop(PAUSED_KEY, None):
            # Back after a pause: show where we were instead of taking this as an answer.
            carry_on(turn)
            return True
        return False
    pending: dict[str, Any] = {"kind": kind.value}
    if turn.keeps_words and not is_command:
        pending["text"] = turn.store.protect_text(turn.text)
    turn.ctx[PENDING_KEY] = pending
    turn.ctx.pop(PAUSED_KEY, None)
    opening = safety_content(turn).crisis_reply(kind.value, country_of(turn.user))
    after = turn.say("safety.after_can_save" if "text" in pending else "safety.after")
    turn.reply(f"{opening}\n\n{after}", choices(turn, can_save="text" in pending))
    return True


def choices(turn: Turn, *, can_save: bool) -> list[list[Any]]:
    """Save (when possible), carry on, pause: global buttons, so the flow's own stay valid."""
    rows = []
    if can_save:
        rows.append([turn.link("safety.save", f"{ACTION}:save")])
    rows.append([turn.link("safety.continue", f"{ACTION}:continue")])
    rows.append([turn.link("safety.pause", f"{ACTION}:pause")])
    return rows


def carry_on(turn: Turn) -> None:
    """Say we are back and show the current flow where it was."""
    turn.reply(turn.say("safety.continued"))
    turn.engine.current_flow(turn).prompt(turn)


def action_crisis(turn: Turn, arg: str) -> None:
    """The buttons under a crisis reply: save, continue, pause."""
    pending = turn.ctx.pop(PENDING_KEY, None)
    if arg == "continue":
        turn.ctx.pop(PAUSED_KEY, None)
        carry_on(turn)
    elif arg == "pause":
        turn.ctx[PAUSED_KEY] = True
        turn.reply(
            turn.say("safety.paused"),
            [[turn.link("safety.continue", f"{ACTION}:continue")]],
        )
    elif arg == "save" and isinstance(pending, dict) and pending.get("text"):
        text = turn.store.reveal_text(str(pending["text"]))
        turn.keep(NOTE_KIND, content_id=str(pending.get("kind")), text=text)
        turn.reply(turn.say("safety.saved"), choices(turn, can_save=False))
    else:  # an old or forged button: nothing is held any more
        turn.engine.stale_button(turn)


def cmd_sos(turn: Turn, args: str) -> None:
    """/sos: where to find help right now, from any state; the current flow is untouched."""
    from flows.safety_plan import sos_rows  # imports this module: imported when used

    plan_rows = sos_rows(turn)  # the person's safety plan comes first, when they have one
    resources = safety_content(turn).resources_text(country_of(turn.user))
    turn.reply(
        "\n\n".join([turn.say("sos.intro"), resources, turn.say("sos.outro")]),
        [*plan_rows, *back_buttons(turn)],
    )


def render_note(content: Any, entry: Any) -> str:
    """A kept crisis message in the journal: just the person's words."""
    return str(entry.text) if entry.text is not None else ""


def register(engine: Engine) -> None:
    """Add the crisis interrupt (first of all interrupts), /sos and the journal note kind."""
    engine.interrupts.insert(0, crisis_interrupt)
    engine.add_command("sos", cmd_sos, "sos.command", order=5)
    engine.add_action(ACTION, action_crisis)
    engine.add_journal_renderer(NOTE_KIND, render_note)
