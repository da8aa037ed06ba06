"""Home: the first welcome and consent, the main menu, /help, /menu, /stop and going back."""

from __future__ import annotations

from transitions import EventData

from flows.engine import HOME_FLOW, HOME_STATE, Engine
from flows.events import Button
from flows.flow import Flow, event_arg, turn_of
from flows.turn import Turn

CONSENT_ANSWERS = ("yes", "no")
PENDING_COMMAND_KEY = "pending_command"  # ctx: [name, args] of a command asked for before consent


class OnboardingFlow(Flow):
    """Welcome a new person, say what Tandem is and is not, and ask to keep their answers."""

    name = "onboarding"
    states = ["new", "consent"]
    initial = "consent"
    transitions = [
        {"trigger": "answer", "source": "consent", "dest": "consent", "after": "record_consent"},
    ]

    def prompt(self, turn: Turn) -> None:
        """Ask for consent (or, for someone brand new, start with the welcome)."""
        if turn.state == "new":
            turn.start(self.name)
            return
        turn.reply(
            turn.say("onboarding.consent_question"),
            [
                [turn.button("onboarding.consent_yes", "answer", "yes")],
                [turn.button("onboarding.consent_no", "answer", "no")],
            ],
        )

    def on_text(self, turn: Turn) -> None:
        """Someone new who just says hello gets the welcome; later, a nudge to the buttons."""
        if turn.state == "new":
            turn.start(self.name)
        else:
            super().on_text(turn)

    def start(self, turn: Turn, **kwargs: object) -> None:
        """Send the welcome and the consent question; remember a command to run afterwards."""
        pending = kwargs.get("pending")
        if isinstance(pending, list | tuple) and len(pending) == 2:
            turn.ctx[PENDING_COMMAND_KEY] = list(pending)
        turn.reply(turn.say("onboarding.welcome"))
        self.prompt(turn)

    def record_consent(self, event: EventData) -> None:
        """Store the choice, then run the command that was waiting, or open the menu."""
        turn = turn_of(event)
        answer = event_arg(event, "arg")
        if answer not in CONSENT_ANSWERS:  # a forged or garbled button: change nothing
            turn.engine.stale_button(turn)
            return
        pending = turn.ctx.get(PENDING_COMMAND_KEY)
        set_consent(turn, answer == "yes")
        spec = turn.engine.commands.get(pending[0]) if pending else None
        if pending and spec is not None:
            turn.finish()
            spec.handler(turn, str(pending[1]))
        else:
            after_onboarding(turn)


def ask_consent_again(turn: Turn, pending: list[str]) -> None:
    """Someone already welcomed asks for something first: remember it, ask the question again."""
    turn.state = "consent"
    turn.ctx[PENDING_COMMAND_KEY] = pending
    turn.engine.flows[OnboardingFlow.name].prompt(turn)


def set_consent(turn: Turn, agreed: bool) -> None:
    """Record whether Tandem may keep the person's own words (first answer or a change)."""
    first_time = turn.user.consent is None
    turn.user.consent = agreed
    turn.user.consent_at = turn.now
    if first_time:
        key = "onboarding.consent_thanks" if agreed else "onboarding.consent_declined"
    else:
        key = "onboarding.consent_now_keeping" if agreed else "onboarding.consent_now_not_keeping"
    turn.reply(turn.say(key))


def consent_buttons(turn: Turn) -> list[list[Button]]:
    """The button that changes the consent choice the other way (none before it is made)."""
    if turn.user.consent is None:
        return []
    if turn.user.consent:
        return [[turn.link("onboarding.stop_keeping", "consent:no")]]
    return [[turn.link("onboarding.start_keeping", "consent:yes")]]


def after_onboarding(turn: Turn) -> None:
    """Where a person goes once consent is settled: the menu (with the daily-prompt offer)."""
    if "daily" in turn.engine.flows:
        from flows.daily import offer_after_onboarding  # an optional feature

        offer_after_onboarding(turn)
    else:
        turn.start(HOME_FLOW)


class MenuFlow(Flow):
    """The home state: the menu of what Tandem can do. Free text here may be a question."""

    name = HOME_FLOW
    states = [HOME_STATE]
    initial = HOME_STATE

    def prompt(self, turn: Turn) -> None:
        """Show the main menu."""
        turn.reply(turn.say("menu.title"), turn.engine.menu_buttons(turn))

    def on_text(self, turn: Turn) -> None:
        """Text at rest: let the question handler (FAQ) try, or show what Tandem can do."""
        handler = turn.engine.idle_text_handler
        if handler is not None:
            handler(turn)
        else:
            turn.reply(turn.say("menu.not_understood"), turn.engine.menu_buttons(turn))


def back_buttons(turn: Turn) -> list:
    """'Back to where I was' (when mid-flow) and 'Menu' buttons for views that keep the state."""
    row = []
    if turn.flow != HOME_FLOW:
        row.append(turn.link("common.resume", "go:resume"))
    row.append(turn.link("common.menu", "go:menu"))
    return [row]


def cmd_start(turn: Turn, args: str) -> None:
    """/start: the welcome for someone new; for someone known, back to where they were."""
    if turn.user.consent is None:
        turn.start(OnboardingFlow.name)
    elif turn.flow != HOME_FLOW:  # mid-activity: nothing is dropped, we carry on
        turn.reply(turn.say("menu.welcome_back_mid_flow"))
        turn.engine.current_flow(turn).prompt(turn)
    else:
        turn.reply(turn.say("menu.welcome_back"))
        turn.start(HOME_FLOW)


def cmd_menu(turn: Turn, args: str) -> None:
    """/menu: leave whatever is going on and show the menu."""
    turn.start(HOME_FLOW)


def cmd_help(turn: Turn, args: str) -> None:
    """/help: what Tandem can do, its commands, and its limits."""
    lines = [turn.say("help.intro"), ""]
    for spec in turn.engine.visible_commands(admin=turn.is_admin):
        lines.append(f"/{spec.name} — {turn.say(spec.description_key or '')}")
    lines += ["", turn.say("help.limits")]
    turn.reply("\n".join(lines), back_buttons(turn))


def cmd_stop(turn: Turn, args: str) -> None:
    """/stop: end the current activity kindly; at rest, say there is nothing to stop."""
    if turn.flow == HOME_FLOW:
        turn.reply(turn.say("common.nothing_to_stop"), turn.engine.menu_buttons(turn))
    else:
        turn.engine.current_flow(turn).stop(turn)


def action_go(turn: Turn, arg: str) -> None:
    """Global `go:<command>[:<args>]` buttons: the same as typing the command."""
    name, _, args = arg.partition(":")
    if name == "resume":
        turn.engine.current_flow(turn).prompt(turn)
        return
    if not turn.engine.run_command(turn, name, args):
        turn.engine.stale_button(turn)


def action_consent(turn: Turn, arg: str) -> None:
    """Global `consent:yes|no` buttons, offered wherever consent can be changed."""
    if arg not in CONSENT_ANSWERS:  # anything else is not an answer: never flip consent on it
        turn.engine.stale_button(turn)
        return
    set_consent(turn, arg == "yes")
    turn.engine.current_flow(turn).prompt(turn)


def register(engine: Engine) -> None:
    """Add onboarding, the menu and the always-available commands."""
    engine.add_flow(OnboardingFlow(engine.content))
    engine.add_flow(MenuFlow(engine.content))
    engine.add_command("start", cmd_start, None, consent_free=True)
    engine.add_command("menu", cmd_menu, "commands.menu", order=10)
    engine.add_command("help", cmd_help, "commands.help", order=90, consent_free=True)
    engine.add_command("stop", cmd_stop, "commands.stop", order=95, consent_free=True)
    engine.add_command("cancel", cmd_stop, None, consent_free=True)
    engine.add_action("go", action_go)
    engine.add_action("consent", action_consent)
    engine.ask_consent = ask_consent_again
