"""The engine: one event in, replies out, state read from and written to the store.

Order of handling, for every event:
1. load the person and their conversation (create them on first contact);
2. interrupts (e.g. crisis language) see the event before anything else, in `Priority` order;
3. commands, global buttons (`go:...`), then the current flow's own buttons and text;
4. the conversation is saved (optimistic locking) in the caller's transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from content import Content
from flows.events import Document, Event, EventKind, Reply
from flows.flow import Flow
from flows.held_text import HeldText
from flows.ports import ConversationRecord, EntryRecord, Store, UserRecord
from flows.text_input import NUL, clean_text
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


class Priority(IntEnum):
    """When an interrupt runs among the others: lower first, equal ones in registration order."""

    # Never handles an event, only tidies the context (e.g. forgets held words), so it must run
    # even when a later interrupt handles the event.
    TIDY = 10
    # Crisis words typed as an answer to a safety plan step are that step's answer, not a
    # crisis to interrupt (the plan itself shows the lines).
    SAFETY_PLAN_WORDS = 20
    # Crisis language in any flow is answered before the flow sees it.
    CRISIS = 30
    NORMAL = 100


@dataclass(frozen=True)
class RegisteredInterrupt:
    """An interrupt with its priority, in the order they run."""

    priority: Priority
    interrupt: Interrupt


@dataclass(frozen=True)
class CommandSpec:
    """A slash command: who may use it, its menu description, and what it does."""

    name: str
    handler: CommandHandler
    description_key: str | None  # None: not listed in Telegram's command menu
    order: int = 100
    admin_only: bool = False
    consent_free: bool = False  # works before the consent question is answered


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
        self.registered_interrupts: list[RegisteredInterrupt] = []
        self.journal_renderers: dict[str, JournalRenderer] = {}
        self.held_texts: dict[str, HeldText] = {}
        # Single-slot hooks, each set once by one feature (a second setter is refused).
        self._idle_text_handler: Callable[[Turn], None] | None = None
        # Text where a flow expected a button; True when it was handled (flows/free_text.py).
        self._stray_text_handler: Callable[[Turn], bool] | None = None
        self._ask_consent: Callable[[Turn, list[str]], None] | None = None
        self._export_builder: Callable[[Turn], list[Document]] | None = None
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
        consent_free: bool = False,
    ) -> None:
        """Register a slash command; `consent_free` ones work before consent is answered."""
        self.commands[name] = CommandSpec(
            name, handler, description_key, order, admin_only, consent_free
        )

    def add_action(self, prefix: str, handler: ActionHandler) -> None:
        """Register a global button prefix: payload `prefix:arg` calls `handler(turn, arg)`."""
        if prefix in self.flows:
            raise ValueError(f"action prefix {prefix!r} clashes with a flow name")
        self.actions[prefix] = handler

    def add_menu_item(self, label_key: str, payload: str, order: int) -> None:
        """Add a button to the main menu."""
        self.menu_items.append(MenuItem(label_key, payload, order))
        self.menu_items.sort(key=lambda item: item.order)

    def add_interrupt(self, interrupt: Interrupt, priority: Priority = Priority.NORMAL) -> None:
        """Run `interrupt(turn)` before any flow, in priority order; True = it handled the
        event (later interrupts and the flow do not see it)."""
        self.registered_interrupts.append(RegisteredInterrupt(priority, interrupt))
        # A stable sort: equal priorities keep their registration order.
        self.registered_interrupts.sort(key=lambda registered: registered.priority)

    @property
    def interrupts(self) -> tuple[Interrupt, ...]:
        """The interrupts in the order they run (register with `add_interrupt`)."""
        return tuple(registered.interrupt for registered in self.registered_interrupts)

    @property
    def consent_free_commands(self) -> frozenset[str]:
        """Commands that work before the consent question is answered."""
        return frozenset(name for name, spec in self.commands.items() if spec.consent_free)

    def add_held_text(self, key: str, *, flow: str | None = None, per_item: bool = False) -> None:
        """Declare a context key where protected text is held (see `flows.held_text`), so
        export reveals it and key rotation re-encrypts it; `turn.hold_text` needs it."""
        if key in self.held_texts:
            raise ValueError(f"held text key {key!r} is already registered")
        self.held_texts[key] = HeldText(key, flow, per_item)

    @property
    def idle_text_handler(self) -> Callable[[Turn], None] | None:
        """What answers free text while resting at the menu (one feature sets it)."""
        return self._idle_text_handler

    @idle_text_handler.setter
    def idle_text_handler(self, handler: Callable[[Turn], None]) -> None:
        self._idle_text_handler = _only_once("idle_text_handler", self._idle_text_handler, handler)

    @property
    def stray_text_handler(self) -> Callable[[Turn], bool] | None:
        """What hears text typed where a flow expected a button (one feature sets it)."""
        return self._stray_text_handler

    @stray_text_handler.setter
    def stray_text_handler(self, handler: Callable[[Turn], bool]) -> None:
        self._stray_text_handler = _only_once(
            "stray_text_handler", self._stray_text_handler, handler
        )

    @property
    def ask_consent(self) -> Callable[[Turn, list[str]], None] | None:
        """Asks the consent question again (without the welcome), keeping a waiting command."""
        return self._ask_consent

    @ask_consent.setter
    def ask_consent(self, asker: Callable[[Turn, list[str]], None]) -> None:
        self._ask_consent = _only_once("ask_consent", self._ask_consent, asker)

    @property
    def export_builder(self) -> Callable[[Turn], list[Document]] | None:
        """Builds a person's /export files from a read of the store (flows.privacy)."""
        return self._export_builder

    @export_builder.setter
    def export_builder(self, builder: Callable[[Turn], list[Document]]) -> None:
        self._export_builder = _only_once("export_builder", self._export_builder, builder)

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
        event = _cleaned(event)
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

    def build_export(self, store: Store, user_id: int, now: datetime) -> list[Document]:
        """The person's export files, built outside any event (after its commit); [] when
        there is no such person (any more) or no export feature."""
        user, _ = store.load(user_id)
        if user is None or self.export_builder is None:
            return []
        event = Event(user_id, user.chat_id, EventKind.COMMAND, now, command="export")
        turn = Turn(self, event, store, user, HOME_FLOW, HOME_STATE, {})
        return self.export_builder(turn)

    def _touch(self, user: UserRecord, event: Event) -> None:
        # Only a message the person sent says where they are; a button press never moves the
        # chat Tandem writes to (a forged press must not redirect someone's journal).
        if event.kind is not EventKind.BUTTON and user.chat_id != event.chat_id:
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
            elif not event.text:  # nothing visible was typed: nothing to keep
                turn.reply(turn.say("common.empty_text"))
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
        if turn.user.consent is None and not spec.consent_free:
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


def _only_once(hook: str, current: Any, new: Any) -> Any:
    """`new`, unless the single-slot `hook` already has a value: two features cannot both own
    it, and the later one silently winning would depend on the order of FEATURES."""
    if current is not None:
        raise ValueError(
            f"engine.{hook} is already set by {getattr(current, '__qualname__', current)!r}; "
            "only one feature may set it"
        )
    return new


def _cleaned(event: Event) -> Event:
    """The event with its text and payload cleaned (no NULs, no invisible edges)."""
    text, payload = clean_text(event.text), event.payload.replace(NUL, "")
    if (text, payload) == (event.text, event.payload):
        return event
    return replace(event, text=text, payload=payload)


def _carried_over(ctx: dict[str, Any]) -> dict[str, Any]:
    """What survives a change of flow: the step counter and the last button pressed."""
    kept = {STEP_KEY: ctx.get(STEP_KEY, 0)}
    if LAST_BUTTON_KEY in ctx:
        kept[LAST_BUTTON_KEY] = ctx[LAST_BUTTON_KEY]
    return kept
