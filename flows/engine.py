"""The engine: one event in, replies out, state read from and written to the store.

Order of handling, for every event:
1. load the person and their conversation (create them on first contact);
2. interrupts (e.g. crisis language) see the event before anything else;
3. commands, global buttons (`go:...`), then the current flow's own buttons and text;
4. the conversation is saved (optimistic locking) in the caller's transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from content import Content
from flows.events import Event, EventKind, Reply
from flows.flow import Flow
from flows.ports import ConversationRecord, EntryRecord, Store, UserRecord
from flows.turn import FIELD_SEPARATOR, STEP_KEY, STEP_SEPARATOR, Turn

logger = logging.getLogger(__name__)

HOME_FLOW = "menu"
HOME_STATE = "idle"
FIRST_FLOW = "onboarding"
# Telegram refuses messages over 4096 characters, so nobody can send us more through it; the
# console can, and we say so kindly instead of storing a cut-off text.
MAX_TEXT_CHARS = 4096
LAST_SEEN_RESOLUTION = timedelta(minutes=10)
LAST_BUTTON_KEY = "_last_button"

CommandHandler = Callable[[Turn, str], None]
ActionHandler = Callable[[Turn, str], None]
Interrupt = Callable[[Turn], bool]
JournalRenderer = Callable[[Content, EntryRecord], str]


@dataclass(frozen=True)
class CommandSpec:
    """A slash command: who may use it, its menu description, and what it does."""

    name: str
    handler: CommandHandler
    description_key: str | None  # None: not listed in Telegram's command menu
    order: int = 100
    admin_only: bool = False


@dataclass(frozen=True)
class MenuItem:
    """A main-menu button."""

    label_key: str
    payload: str
    order: int


class Engine:
    """Routes each event to the right flow and returns what to send back."""

    def __init__(self, content: Content, *, admin_ids: Iterable[int] = ()) -> None:
        self.content = content
        self.admin_ids = frozenset(admin_ids)
        self.flows: dict[str, Flow] = {}
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, ActionHandler] = {}
        self.menu_items: list[MenuItem] = []
        self.interrupts: list[Interrupt] = []
        self.journal_renderers: dict[str, JournalRenderer] = {}
        self.idle_text_handler: Callable[[Turn], None] | None = None
        # Text where a flow expected a button; True when it was handled (flows/free_text.py).
        self.stray_text_handler: Callable[[Turn], bool] | None = None
        # Commands that work before the consent question is answered (the rest wait for it).
        self.consent_free_commands: set[str] = {
            "start",
            "help",
            "stop",
            "cancel",
            "sos",
            "privacy",
            "export",
            "delete",
        }
        # Asks the consent question again (without the welcome), remembering a waiting command.
        self.ask_consent: Callable[[Turn, list[str]], None] | None = None
        # Old state names -> current ones, so people saved in a renamed state land safely.
        self.state_renames: dict[tuple[str, str], tuple[str, str]] = {}

    # Registration (done once at start-up by the features in flows.registry)

    def add_flow(self, flow: Flow) -> None:
        """Register a flow by its name."""
        self.flows[flow.name] = flow

    def add_command(
        self,
        name: str,
        handler: CommandHandler,
        description_key: str | None = None,
        *,
        order: int = 100,
        admin_only: bool = False,
    ) -> None:
        """Register a slash command."""
        self.commands[name] = CommandSpec(name, handler, description_key, order, admin_only)

    def add_action(self, prefix: str, handler: ActionHandler) -> None:
        """Register a global button prefix: payload `prefix:arg` calls `handler(turn, arg)`."""
        if prefix in self.flows:
            raise ValueError(f"action prefix {prefix!r} clashes with a flow name")
        self.actions[prefix] = handler

    def add_menu_item(self, label_key: str, payload: str, order: int) -> None:
        """Add a button to the main menu."""
        self.menu_items.append(MenuItem(label_key, payload, order))
        self.menu_items.sort(key=lambda item: item.order)

    def add_interrupt(self, interrupt: Interrupt) -> None:
        """Run `interrupt(turn)` before any flow; it returns True when it handled the event."""
        self.interrupts.append(interrupt)

    def add_journal_renderer(self, kind: str, renderer: JournalRenderer) -> None:
        """Say how entries of `kind` look in the journal."""
        self.journal_renderers[kind] = renderer

    def visible_commands(self, *, admin: bool = False) -> list[CommandSpec]:
        """Commands for Telegram's command menu, in order."""
        specs = [
            c for c in self.commands.values() if c.description_key and (admin or not c.admin_only)
        ]
        return sorted(specs, key=lambda c: (c.order, c.name))

    # Handling

    def handle(self, event: Event, store: Store) -> list[Reply]:
        """Handle one event inside the caller's transaction and return the replies."""
        user, conversation = store.load(event.user_id)
        if user is None:
            user = UserRecord(
                user_id=event.user_id,
                chat_id=event.chat_id,
                created_at=event.now,
                last_seen_at=event.now,
                language=event.language,
            )
            store.create_user(user)
        before = replace(user, prefs=dict(user.prefs))
        self._touch(user, event)
        if conversation is None:
            conversation = ConversationRecord(
                user_id=event.user_id, flow=FIRST_FLOW, state="new", context={}, version=0
            )
        flow_name, state = self._valid_position(conversation.flow, conversation.state)
        turn = Turn(self, event, store, user, flow_name, state, dict(conversation.context))
        self._dispatch(turn)
        if turn.forgotten:  # /delete removed every row: saving now would bring them back
            return turn.replies
        if not turn.replies:  # every event gets an answer; a flow that forgot gets the prompt
            self.current_flow(turn).prompt(turn)
        if user != before:
            store.save_user(user)
        if (turn.flow, turn.state, turn.ctx) != (
            conversation.flow,
            conversation.state,
            conversation.context,
        ):
            conversation.flow, conversation.state = turn.flow, turn.state
            conversation.context = turn.ctx
            store.save_conversation(conversation)
        logger.debug(
            "handled event kind=%s user=%s flow=%s state=%s",
            event.kind.value,
            event.user_id,
            turn.flow,
            turn.state,
        )
        return turn.replies

    def _touch(self, user: UserRecord, event: Event) -> None:
        if user.chat_id != event.chat_id:
            user.chat_id = event.chat_id
        if not user.active:  # they wrote again after blocking us: welcome back
            user.active = True
        if event.now - user.last_seen_at >= LAST_SEEN_RESOLUTION:
            user.last_seen_at = event.now

    def _valid_position(self, flow: str, state: str) -> tuple[str, str]:
        flow, state = self.state_renames.get((flow, state), (flow, state))
        known = self.flows.get(flow)
        if known is None or state not in known.states:
            logger.warning("unknown stored position flow=%s state=%s; resetting", flow, state)
            return HOME_FLOW, HOME_STATE
        return flow, state

    def _dispatch(self, turn: Turn) -> None:
        for interrupt in self.interrupts:
            if interrupt(turn):
                return
        event = turn.event
        if event.kind is EventKind.COMMAND:
            self._command(turn)
        elif event.kind is EventKind.BUTTON:
            self._button(turn)
        elif event.kind is EventKind.TEXT:
            if len(event.text) > MAX_TEXT_CHARS:
                turn.reply(turn.say("common.too_long", limit=MAX_TEXT_CHARS))
                self.current_flow(turn).prompt(turn)
            elif not event.text.strip():
                self.current_flow(turn).prompt(turn)
            else:
                self.current_flow(turn).on_text(turn)
        else:
            turn.reply(turn.say("common.unsupported"))
            self.current_flow(turn).prompt(turn)

    def _command(self, turn: Turn) -> None:
        if not self.run_command(turn, turn.event.command, turn.event.text.strip()):
            turn.reply(turn.say("common.unknown_command"), self.menu_buttons(turn))

    def run_command(self, turn: Turn, name: str, args: str) -> bool:
        """Run a command (typed or from a `go:` button); False if there is no such command.

        Someone who has not yet said whether Tandem may keep their words is asked first; the
        command runs right after they answer.
        """
        spec = self.commands.get(name)
        if spec is None or (spec.admin_only and not turn.is_admin):
            return False
        if turn.user.consent is None and name not in self.consent_free_commands:
            if turn.flow == FIRST_FLOW and self.ask_consent is not None:
                self.ask_consent(turn, [name, args])  # already welcomed: just ask again
            else:
                self.start_flow(turn, FIRST_FLOW, pending=[name, args])
            return True
        spec.handler(turn, args)
        return True

    def _button(self, turn: Turn) -> None:
        payload = turn.event.payload
        body, _, step = payload.partition(STEP_SEPARATOR)
        prefix, _, rest = body.partition(FIELD_SEPARATOR)
        if not step and prefix in self.actions:
            self.actions[prefix](turn, rest)
            return
        action, _, arg = rest.partition(FIELD_SEPARATOR)
        current = str(turn.ctx.get(STEP_KEY, ""))
        if prefix != turn.flow or step != current or not action:
            if payload == turn.ctx.get(LAST_BUTTON_KEY):  # a double tap: already done
                turn.notice("common.already_done")
                return
            self.stale_button(turn)
            return
        turn.ctx[LAST_BUTTON_KEY] = payload
        self.flows[prefix].on_button(turn, action, arg)

    # Services for flows

    def current_flow(self, turn: Turn) -> Flow:
        """The flow the turn is in."""
        return self.flows[turn.flow]

    def start_flow(self, turn: Turn, name: str, **kwargs: Any) -> None:
        """Switch the turn to flow `name` at its initial state and start it."""
        flow = self.flows[name]
        turn.flow, turn.state = name, flow.initial
        turn.ctx = _carried_over(turn.ctx)
        turn._stepped = False
        flow.start(turn, **kwargs)

    def go_idle(self, turn: Turn) -> None:
        """Rest at the menu without sending it."""
        turn.flow, turn.state = HOME_FLOW, HOME_STATE
        turn.ctx = _carried_over(turn.ctx)

    def stale_button(self, turn: Turn) -> None:
        """A button from an earlier message: say so and show where we are now."""
        turn.notice("common.stale_button")
        self.current_flow(turn).prompt(turn)

    def menu_buttons(self, turn: Turn) -> list[list[Any]]:
        """The main menu as rows of two buttons."""
        buttons = [turn.link(item.label_key, item.payload) for item in self.menu_items]
        return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _carried_over(ctx: dict[str, Any]) -> dict[str, Any]:
    """What survives a change of flow: the step counter and the last button pressed."""
    kept = {STEP_KEY: ctx.get(STEP_KEY, 0)}
    if LAST_BUTTON_KEY in ctx:
        kept[LAST_BUTTON_KEY] = ctx[LAST_BUTTON_KEY]
    return kept
