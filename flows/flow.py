"""The base of every flow: states and transitions declared as data, one machine built once.

A flow's `Machine` is created when the flow is constructed (at start-up) with no models. For each
event the engine binds a disposable `Turn` to it: `fire(turn, "answer")` runs the transition on
that turn alone. No machine is ever built per user or per update.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from transitions import EventData, Machine

if TYPE_CHECKING:
    from content import Content
    from flows.turn import Turn


class Flow:
    """A conversation flow. Subclasses declare `name`, `states`, `transitions` and `initial`.

    Transition callbacks and conditions are given as method names of the flow; they receive the
    `transitions.EventData`, whose `.model` is the current `Turn`.
    """

    name: ClassVar[str]
    states: ClassVar[list[str]]
    transitions: ClassVar[list[dict[str, Any]]] = []
    initial: ClassVar[str]

    def __init__(self, content: Content) -> None:
        self.content = content
        resolved = [self._resolve(t) for t in self.transitions]
        self.machine = Machine(
            model=None,
            states=list(self.states),
            transitions=resolved,
            initial=self.initial,
            auto_transitions=False,
            send_event=True,
        )
        allowed: dict[str, set[str]] = {state: set() for state in self.states}
        for transition in self.transitions:
            sources = transition["source"]
            for source in self.states if sources == "*" else _as_list(sources):
                allowed[source].add(transition["trigger"])
        self._allowed = {state: frozenset(triggers) for state, triggers in allowed.items()}

    def _resolve(self, transition: dict[str, Any]) -> dict[str, Any]:
        resolved = dict(transition)
        for key in ("conditions", "unless", "before", "after", "prepare"):
            if key in resolved:
                resolved[key] = [
                    getattr(self, name) if isinstance(name, str) else name
                    for name in _as_list(resolved[key])
                ]
        return resolved

    def can(self, turn: Turn, trigger: str) -> bool:
        """Whether `trigger` is declared for the turn's current state."""
        return trigger in self._allowed.get(turn.state, frozenset())

    def fire(self, turn: Turn, trigger: str, **kwargs: Any) -> bool:
        """Run `trigger` on this turn; False if it is not valid in the current state."""
        if not self.can(turn, trigger):
            return False
        return bool(self.machine.events[trigger].trigger(turn, **kwargs))

    # Hooks the engine calls. Subclasses override what they need.

    def start(self, turn: Turn, **kwargs: Any) -> None:
        """Begin the flow from its initial state (the engine has already set it)."""
        self.prompt(turn)

    def prompt(self, turn: Turn) -> None:
        """Show the person where they are in this flow (used after restarts and odd input)."""
        raise NotImplementedError

    def on_text(self, turn: Turn) -> None:
        """Handle typed text in the current state: buttons are expected here, but a person
        telling us something is heard first (the engine's `stray_text_handler`)."""
        handler = turn.engine.stray_text_handler
        if handler is not None and handler(turn):
            return
        turn.reply(turn.say("common.use_buttons"))
        self.prompt(turn)

    def on_button(self, turn: Turn, action: str, arg: str) -> None:
        """Handle one of this flow's own buttons (already checked to be current)."""
        if not self.fire(turn, action, arg=arg):
            turn.engine.stale_button(turn)

    def stop(self, turn: Turn) -> None:
        """The person asked to stop: wrap up kindly and go back to the menu."""
        turn.finish()


def turn_of(event: EventData) -> Turn:
    """The turn a transition callback runs for."""
    return cast("Turn", event.model)


def event_arg(event: EventData, name: str, default: Any = None) -> Any:
    """A keyword argument passed to `fire`."""
    return event.kwargs.get(name, default)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]
