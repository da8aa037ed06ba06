"""Free text outside a question: read what kind of message it is and hand it to what serves it.

Where Tandem is not waiting for a specific answer (resting at the menu, after a flow ends, or
a text where buttons were expected), the router (flows/listening.py) reads the message:

- a share gets reflective listening: a short acknowledgement naming the person and the feeling
  where named, a validating sentence, and next steps as buttons: keep it in the journal (only
  with consent to keep words), reflect on it (a theme chosen from what was written), rehearse
  saying it (practice in that part of life), or "I just wanted to say it";
- a win is celebrated, counted for /progress, and offered to be kept;
- a request to rehearse opens practice in the part of life it names (the safety screen comes
  first when it has not been answered);
- a question goes to the FAQ, a feature named goes to its command;
- small talk and feedback get a short fitting reply and the menu; off-topic goes to the FAQ,
  which says plainly that it is outside what Tandem knows (and offers to send the words on);
- crisis defers to safety: the safety interrupt (flows/safety.py) reads every message first,
  so a message reaching here was not found to be in danger; it is listened to like a share,
  with /sos one tap away.

The words of a share or win are held (through `turn.hold_text`, encrypted when keys are set) in
the conversation context only until the person's next event, so "Keep it in my journal" can
store them; any other event forgets them. Buttons are global (`ls:…`), so they work from any
state; a share heard mid-flow leaves the flow where it was ("Back to where I was").

Button payloads:
  ls:keep             keep the held words as a journal note
  ls:heard            "I just wanted to say it"
  ls:reflect:<theme>  a reflection session on that theme
"""

from __future__ import annotations

from typing import cast

from content.listening import ListeningContent
from flows import faq
from flows.engine import HOME_FLOW, Engine, Priority
from flows.events import Button
from flows.home import back_buttons
from flows.listening import Reading, router_for, warm_up
from flows.turn import Turn

ACTION = "ls"
# Shared with flows/safety.py, which keeps crisis messages under the same kind; the
# content_id tells them apart ("share" or "win" here, a crisis kind there).
NOTE_KIND = "note"
SHARE_NOTE = "share"
WIN_NOTE = "win"
HELD_KEY = "_heard"  # ctx: {"text": protected words, "kind": "share" | "win"}
REPLIES_PREF = "listening_replies"  # how many shares and wins were answered: picks a wording
WINS_PREF = "listening_wins"  # how many wins the person told Tandem about (for /progress)
# A feature asked for by name -> the command that opens it.
FEATURE_COMMANDS = {
    "journal": "journal",
    "daily": "daily",
    "practice": "practice",
    "reflect": "reflect",
    "selfcheck": "selfcheck",
    "progress": "progress",
    "privacy": "privacy",
    "export": "export",
    "delete": "delete",
    "help": "help",
    "sos": "sos",
    "faq": "faq",
}
# How a person named in a message is named back, when "your <name>" does not read well.
_NAMED_BACK = {"family": "your family"}


def listening_content(turn: Turn) -> ListeningContent:
    """The parsed listening.yaml."""
    return cast(ListeningContent, turn.content.section("listening"))


def _next_index(turn: Turn) -> int:
    """A counter that moves on with every share or win answered, so wordings take turns."""
    index = int(turn.user.prefs.get(REPLIES_PREF, 0))
    turn.user.prefs[REPLIES_PREF] = index + 1
    return index


def _person(reading: Reading) -> str | None:
    """How the reply names the person: "your mom"."""
    if reading.person is None:
        return None
    return _NAMED_BACK.get(reading.person, f"your {reading.person}")


def acknowledgement(content: ListeningContent, reading: Reading, index: int) -> str:
    """The reflective reply to a share: an acknowledgement and a validating sentence."""
    person, feeling = _person(reading), reading.feeling
    if person and feeling:
        shape = "person_and_feeling"
    elif person:
        shape = "person"
    elif feeling:
        shape = "feeling"
    else:
        shape = "plain"
    wordings = content.acknowledgements[shape]
    opening = wordings[index % len(wordings)].format(person=person, feeling=feeling)
    # Stepping the second list at another pace keeps pairs from repeating in a short cycle.
    validation = content.validations[(index // len(wordings) + index) % len(content.validations)]
    return f"{opening} {validation}"


def celebration(content: ListeningContent, reading: Reading, index: int) -> str:
    """The reply to a win."""
    person = _person(reading)
    wordings = content.celebrations["person" if person else "plain"]
    return wordings[index % len(wordings)].format(person=person)


def _hold(turn: Turn, kind: str) -> None:
    """Hold the words until the next event, for "Keep it in my journal"; never without consent."""
    if turn.keeps_words:
        turn.ctx[HELD_KEY] = {"text": turn.hold_text(HELD_KEY, turn.text), "kind": kind}


def forget_held_words(turn: Turn) -> bool:
    """Interrupt: any event but "Keep it" forgets held words, so they never outlive the next
    step."""
    event = turn.event
    if not (event.payload == f"{ACTION}:keep" and HELD_KEY in turn.ctx):
        turn.ctx.pop(HELD_KEY, None)
    return False


def _practice_link(turn: Turn, key: str, reading: Reading) -> Button:
    """A button opening practice in the part of life the message is about."""
    return turn.link(key, f"go:practice:{reading.area}" if reading.area else "go:practice")


def hear_share(turn: Turn, reading: Reading, *, in_danger_words: bool = False) -> None:
    """Reflective listening: acknowledge, validate, and offer next steps."""
    content = listening_content(turn)
    text = acknowledgement(content, reading, _next_index(turn))
    _hold(turn, SHARE_NOTE)
    rows: list[list[Button]] = []
    if turn.keeps_words:
        rows.append([turn.link("listening.keep", f"{ACTION}:keep")])
    rows.append(
        [
            turn.link("listening.reflect", f"{ACTION}:reflect:{reading.theme or ''}"),
            _practice_link(turn, "listening.rehearse", reading),
        ]
    )
    rows.append([turn.link("listening.just_say", f"{ACTION}:heard")])
    parts = [text, turn.say("listening.offer")]
    if in_danger_words:
        parts.insert(1, turn.say("listening.crisis_pointer"))
        rows.insert(0, [turn.link("listening.sos_button", "go:sos")])
    if turn.flow != HOME_FLOW:
        rows.extend(back_buttons(turn))
    turn.reply("\n\n".join(parts), rows)


def hear_win(turn: Turn, reading: Reading) -> None:
    """Celebrate, count it for /progress, and offer to keep it."""
    content = listening_content(turn)
    text = celebration(content, reading, _next_index(turn))
    wins = int(turn.user.prefs.get(WINS_PREF, 0)) + 1
    turn.user.prefs[WINS_PREF] = wins
    counted = (
        turn.say("listening.win_counted_one")
        if wins == 1
        else turn.say("listening.win_counted", count=wins)
    )
    parts = [text, counted]
    rows: list[list[Button]] = []
    if turn.keeps_words:
        _hold(turn, WIN_NOTE)
        parts.append(turn.say("listening.win_offer"))
        rows.append([turn.link("listening.keep_win", f"{ACTION}:keep")])
    rows.append([turn.link("menu.progress", "go:progress"), turn.link("common.menu", "go:menu")])
    if turn.flow != HOME_FLOW:
        rows.extend(back_buttons(turn))
    turn.reply("\n\n".join(parts), rows)


def _short_reply(turn: Turn, key: str) -> None:
    """A short reply with the menu (or the way back, mid-flow)."""
    rows = turn.engine.menu_buttons(turn) if turn.flow == HOME_FLOW else back_buttons(turn)
    turn.reply(turn.say(key), rows)


def answer(turn: Turn, reading: Reading) -> None:
    """Hand a read message to the feature that serves it."""
    kind = reading.kind
    if kind == "share":
        hear_share(turn, reading)
    elif kind == "crisis":
        hear_share(turn, reading, in_danger_words=True)
    elif kind == "win":
        hear_win(turn, reading)
    elif kind == "rehearse" or (kind == "feature" and reading.feature == "practice"):
        turn.engine.run_command(turn, "practice", reading.area or "")
    elif kind == "feature" and reading.feature in FEATURE_COMMANDS:
        turn.engine.run_command(turn, FEATURE_COMMANDS[reading.feature], "")
    elif kind == "small_talk":
        _short_reply(turn, "listening.small_talk")
    elif kind == "feedback":
        _short_reply(turn, "listening.feedback")
    else:  # a question, or off-topic: the FAQ answers, or says plainly it is not its area
        faq.ask(turn, turn.text)


def read(turn: Turn, text: str) -> Reading:
    """What kind of message `text` is, read by the router built for this content's FAQ."""
    return router_for(faq.faq_content(turn)).read(text)


def on_idle_text(turn: Turn) -> None:
    """Free text at the menu: greetings, thanks and "what can you do" as before, then the
    router."""
    if not faq.answer_small_talk(turn, turn.text):
        answer(turn, read(turn, turn.text))


def on_stray_text(turn: Turn) -> bool:
    """Text where buttons were expected: a share, a win or a question is heard with the flow
    left in place; a request to rehearse is offered as a button. False: the flow's own nudge."""
    if turn.user.consent is None:  # still being welcomed: the consent question comes first
        return False
    reading = read(turn, turn.text)
    if reading.kind in ("share", "win", "question"):
        answer(turn, reading)
        return True
    if reading.kind == "rehearse":
        turn.reply(
            turn.say("common.use_buttons"),
            [[_practice_link(turn, "listening.rehearse_instead", reading)], *back_buttons(turn)],
        )
        return True
    return False


def action_listening(turn: Turn, arg: str) -> None:
    """Every `ls:…` button (see the module docstring)."""
    kind, _, rest = arg.partition(":")
    if kind == "keep":
        held = turn.ctx.pop(HELD_KEY, None)
        text = held.get("text") if isinstance(held, dict) else None
        if not (turn.keeps_words and isinstance(text, str)):
            turn.engine.stale_button(turn)  # an old button: the words are no longer held
            return
        note = WIN_NOTE if held.get("kind") == WIN_NOTE else SHARE_NOTE
        turn.keep(NOTE_KIND, content_id=note, text=turn.store.reveal_text(text))
        turn.reply(
            turn.say("listening.kept"),
            [[turn.link("menu.journal", "go:journal"), turn.link("common.menu", "go:menu")]],
        )
    elif kind == "heard":
        turn.reply(turn.say("listening.heard"), turn.engine.menu_buttons(turn))
    elif kind == "reflect":
        theme = rest if turn.content.reflection.theme(rest) is not None else None
        turn.start("reflection", theme=theme)
    else:
        turn.engine.stale_button(turn)


def register(engine: Engine) -> None:
    """Hear free text at the menu and where buttons were expected; add the `ls:` buttons."""
    warm_up(faq.faq_content(engine))  # trained in the background: start-up is not delayed
    engine.add_action(ACTION, action_listening)
    engine.add_interrupt(forget_held_words, Priority.TIDY)
    engine.add_held_text(HELD_KEY)
    engine.idle_text_handler = on_idle_text
    engine.stray_text_handler = on_stray_text
