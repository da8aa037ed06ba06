"""Discreet mode, for people whose phone someone else may read.

- /tidy ("Tidy this chat"): says what tidying removes and what it cannot, then on "Tidy now"
  clears the chat of its messages younger than 48 hours (the person's and Tandem's) and leaves
  one neutral line.
- "Leave quickly" (menu, /sos, crisis replies): the same at once, with no question asked.
- /discreet: auto-tidy (a chosen time after the last message), neutral notifications (daily
  prompts open with a line that says nothing about relationships) and silent notifications.

Flows never talk to Telegram: tidying is asked for with `Reply(tidy=True)`, which the Telegram
adapter carries out (`bot.tidy`) and the terminal answers with the reply's text (there is no
chat history to clear there). Tidying never touches what Tandem stores: /delete does that.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flows import privacy, safety
from flows.engine import Engine
from flows.events import Button
from flows.home import back_buttons
from flows.turn import Turn

TIDY_COMMAND = "tidy"
SETTINGS_COMMAND = "discreet"
ACTION = "tidy"  # tidy:now (after the explanation), tidy:leave (leave quickly)
SETTINGS_ACTION = "discreet"  # discreet:auto:<off|1h|1d>, discreet:neutral|silent:<on|off>
AUTO_TIDY_PREF = "auto_tidy"  # "1h" or "1d"; absent: off
NEUTRAL_PREF = "neutral_notifications"
SILENT_PREF = "silent_notifications"
AUTO_TIDY_DELAYS = {"1h": timedelta(hours=1), "1d": timedelta(days=1)}
# Labels of the auto-tidy choices and the current settings, built from the choice names.
TEXT_KEY_PREFIXES = ("discreet.auto.", "discreet.state.")


def auto_tidy_delay(prefs: dict[str, Any]) -> timedelta | None:
    """How long after the last message the person's chat is tidied; None when auto-tidy is off."""
    return AUTO_TIDY_DELAYS.get(str(prefs.get(AUTO_TIDY_PREF, "")))


def neutral_notifications(prefs: dict[str, Any]) -> bool:
    """Whether messages Tandem sends on its own (daily prompts) show only a neutral line."""
    return bool(prefs.get(NEUTRAL_PREF))


def silent_notifications(prefs: dict[str, Any]) -> bool:
    """Whether messages Tandem sends on its own arrive without a sound or vibration."""
    return bool(prefs.get(SILENT_PREF))


def tidy_buttons(turn: Turn) -> list[list[Button]]:
    """ "Tidy this chat" and "Leave quickly", for /sos, crisis replies and other screens."""
    return [
        [
            turn.link("tidy.button", f"go:{TIDY_COMMAND}"),
            turn.link("tidy.leave_button", f"{ACTION}:leave"),
        ]
    ]


def cmd_tidy(turn: Turn, args: str) -> None:
    """/tidy: what tidying removes and what it cannot, with "Tidy now"."""
    turn.reply(
        turn.say("tidy.explain"),
        [
            [turn.link("tidy.now_button", f"{ACTION}:now")],
            [turn.link("tidy.settings_button", f"go:{SETTINGS_COMMAND}")],
            *back_buttons(turn),
        ],
    )


def tidy_chat(turn: Turn, neutral_key: str) -> None:
    """Ask the platform to clear the chat, then leave one neutral line."""
    turn.reply(turn.say("tidy.not_here"), tidy=True)
    turn.reply(turn.say(neutral_key))


def action_tidy(turn: Turn, arg: str) -> None:
    """`tidy:now` tidies after the explanation; `tidy:leave` tidies at once, quietly."""
    if arg == "now":
        tidy_chat(turn, "tidy.done")
    elif arg == "leave":
        # Whatever was going on stays where it was; a message typed later (perhaps by someone
        # else) is not taken as an answer: the safety feature shows where we were instead.
        turn.ctx[safety.PAUSED_KEY] = True
        tidy_chat(turn, "tidy.left")
    else:
        turn.engine.stale_button(turn)


def settings_text(turn: Turn) -> str:
    """The discreet settings as they are now."""
    prefs = turn.user.prefs
    auto = str(prefs.get(AUTO_TIDY_PREF)) if auto_tidy_delay(prefs) else "off"
    return turn.say(
        "discreet.settings",
        auto=turn.say(f"discreet.auto.{auto}"),
        neutral=turn.say(f"discreet.state.{'on' if neutral_notifications(prefs) else 'off'}"),
        silent=turn.say(f"discreet.state.{'on' if silent_notifications(prefs) else 'off'}"),
    )


def settings_buttons(turn: Turn) -> list[list[Button]]:
    """Auto-tidy choices, the two notification switches, tidy now, and back."""
    prefs = turn.user.prefs
    current = str(prefs.get(AUTO_TIDY_PREF)) if auto_tidy_delay(prefs) else "off"
    auto = [
        Button(
            turn.say("discreet.chosen", label=turn.say(f"discreet.auto.{name}"))
            if name == current
            else turn.say(f"discreet.auto.{name}"),
            f"{SETTINGS_ACTION}:auto:{name}",
        )
        for name in ("off", *AUTO_TIDY_DELAYS)
    ]
    neutral = neutral_notifications(prefs)
    silent = silent_notifications(prefs)
    return [
        auto,
        [
            turn.link(
                "discreet.neutral_off" if neutral else "discreet.neutral_on",
                f"{SETTINGS_ACTION}:neutral:{'off' if neutral else 'on'}",
            )
        ],
        [
            turn.link(
                "discreet.silent_off" if silent else "discreet.silent_on",
                f"{SETTINGS_ACTION}:silent:{'off' if silent else 'on'}",
            )
        ],
        [turn.link("tidy.button", f"go:{TIDY_COMMAND}")],
        *back_buttons(turn),
    ]


def cmd_discreet(turn: Turn, args: str) -> None:
    """/discreet: auto-tidy, neutral and silent notifications."""
    turn.reply(settings_text(turn), settings_buttons(turn))


def action_settings(turn: Turn, arg: str) -> None:
    """`discreet:auto:<off|1h|1d>`, `discreet:neutral:<on|off>`, `discreet:silent:<on|off>`."""
    setting, _, value = arg.partition(":")
    prefs = turn.user.prefs
    if setting == "auto" and (value == "off" or value in AUTO_TIDY_DELAYS):
        if value == "off":
            prefs.pop(AUTO_TIDY_PREF, None)
        else:
            prefs[AUTO_TIDY_PREF] = value
    elif setting in ("neutral", "silent") and value in ("on", "off"):
        pref = NEUTRAL_PREF if setting == "neutral" else SILENT_PREF
        if value == "on":
            prefs[pref] = True
        else:
            prefs.pop(pref, None)
    else:
        turn.engine.stale_button(turn)
        return
    turn.notice("discreet.saved")
    cmd_discreet(turn, "")


def privacy_section(turn: Turn) -> tuple[str, list[list[Button]]]:
    """What /privacy says about tidying, with its buttons."""
    return turn.say("privacy.tidy"), [
        [
            turn.link("tidy.button", f"go:{TIDY_COMMAND}"),
            turn.link("tidy.settings_button", f"go:{SETTINGS_COMMAND}"),
        ]
    ]


def register(engine: Engine) -> None:
    """Add /tidy, /discreet, "Leave quickly" in the menu, and the buttons in /sos, crisis
    replies and /privacy."""
    # Someone in danger may need to tidy before they ever answered the consent question.
    engine.add_command(TIDY_COMMAND, cmd_tidy, "tidy.command", order=83, consent_free=True)
    engine.add_command(
        SETTINGS_COMMAND, cmd_discreet, "discreet.command", order=84, consent_free=True
    )
    engine.add_action(ACTION, action_tidy)
    engine.add_action(SETTINGS_ACTION, action_settings)
    engine.add_menu_item("tidy.leave_button", f"{ACTION}:leave", order=99)
    safety.add_sos_section(engine, tidy_buttons)
    safety.add_crisis_buttons(engine, tidy_buttons)
    privacy.add_privacy_section(engine, privacy_section)
