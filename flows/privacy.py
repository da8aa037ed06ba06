"""Privacy controls: /privacy explains, /export hands over everything, /delete erases it all.

None of these change where the person is: /privacy and /export keep the current flow as it
was, and /delete asks first with a one-time confirmation button (an old "yes" from an earlier
message can never delete anything).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from flows.dates import format_date
from flows.engine import Engine
from flows.events import Button, Document
from flows.home import back_buttons, consent_buttons
from flows.progress import local_zone
from flows.safety import PENDING_KEY
from flows.safety_plan import FLOW as PLAN_FLOW
from flows.safety_plan import HELD_KEY as PLAN_HELD_KEY
from flows.turn import Turn

EXPORT_FORMAT = "tandem-export"
EXPORT_VERSION = 1
EXPORT_PAGE_SIZE = 100  # journal entries read per query while building an export
DELETE_ACTION = "del"
DELETE_NONCE_KEY = "_delete"  # in the current flow's context, like any one-time question
# A part another feature adds to /privacy: a paragraph (appended to the text) and button rows.
PrivacySection = Callable[[Turn], tuple[str, list[list[Button]]]]
_PRIVACY_SECTIONS: WeakKeyDictionary[Engine, list[PrivacySection]] = WeakKeyDictionary()


def add_privacy_section(engine: Engine, section: PrivacySection) -> None:
    """Append `section(turn)`'s paragraph and buttons to /privacy."""
    _PRIVACY_SECTIONS.setdefault(engine, []).append(section)


def cmd_privacy(turn: Turn, args: str) -> None:
    """/privacy: what is kept, why, for how long, who can see it, and the person's choices."""
    paragraphs = [turn.say("privacy.text")]
    rows = [[turn.link("privacy.export", "go:export"), turn.link("privacy.delete", "go:delete")]]
    for section in _PRIVACY_SECTIONS.get(turn.engine, []):
        paragraph, section_rows = section(turn)
        paragraphs.append(paragraph)
        rows += section_rows
    rows += [*consent_buttons(turn), *back_buttons(turn)]
    turn.reply("\n\n".join(paragraphs), rows)


def export_document(turn: Turn) -> dict[str, Any]:
    """Everything stored about the person, readable: table by table, free text decrypted."""
    tables = turn.store.export_user(turn.user.user_id)
    # The conversation row holds protected text that is not a column of its own: a crisis
    # message held for the "save it" button. Export it readable like the rest.
    for conversation in tables.get("conversations", []):
        pending = (conversation.get("context") or {}).get(PENDING_KEY)
        if isinstance(pending, dict) and isinstance(pending.get("text"), str):
            pending["text"] = turn.store.reveal_text(pending["text"])
        # Safety plan steps held (without consent) until the plan is shown once.
        held = (conversation.get("context") or {}).get(PLAN_HELD_KEY)
        if conversation.get("flow") == PLAN_FLOW and isinstance(held, dict):
            for step_id, protected in held.items():
                held[step_id] = turn.store.reveal_text(str(protected))
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": turn.now.isoformat(),
        "user_id": turn.user.user_id,
        "journal": readable_journal(turn),
        "tables": tables,
    }


def readable_journal(turn: Turn) -> list[dict[str, Any]]:
    """Every entry as the journal shows it (question, scene or prompt with the answer), newest
    first: the tables carry only content ids such as "communication-01"."""
    engine = turn.engine
    journal: list[dict[str, Any]] = []
    offset = 0
    while True:
        # All kinds, not only those with a renderer: the export must be complete.
        page = turn.store.list_entries(
            turn.user.user_id, kinds=None, offset=offset, limit=EXPORT_PAGE_SIZE
        )
        for entry in page:
            renderer = engine.journal_renderers.get(entry.kind)
            label_key = f"journal.kind.{entry.kind}"
            journal.append(
                {
                    "date": entry.created_at.isoformat(),
                    "kind": turn.say(label_key) if turn.content.has(label_key) else entry.kind,
                    "text": (
                        renderer(engine.content, entry)
                        if renderer is not None
                        else entry.text or ""
                    ),
                }
            )
        if len(page) < EXPORT_PAGE_SIZE:
            return journal
        offset += EXPORT_PAGE_SIZE


def cmd_export(turn: Turn, args: str) -> None:
    """/export: a JSON file with everything stored about the person."""
    data = json.dumps(export_document(turn), ensure_ascii=False, indent=2, default=str)
    today = turn.now.astimezone(local_zone(turn.user.timezone)).date()
    caption = turn.say("export.caption", date=format_date(turn.content, today, "long"))
    filename = f"tandem-export-{turn.now:%Y-%m-%d}.json"
    turn.reply(
        caption,
        back_buttons(turn),
        document=Document(filename=filename, data=data.encode("utf-8"), caption=caption),
    )


def cmd_delete(turn: Turn, args: str) -> None:
    """/delete: ask for an explicit confirmation with a button that works only once."""
    nonce = secrets.token_hex(4)
    turn.ctx[DELETE_NONCE_KEY] = nonce
    turn.reply(
        turn.say("delete.confirm"),
        [
            [turn.link("delete.do_it", f"{DELETE_ACTION}:yes:{nonce}")],
            [turn.link("delete.keep", f"{DELETE_ACTION}:no")],
        ],
    )


def action_delete(turn: Turn, arg: str) -> None:
    """`del:yes:<nonce>` erases everything (if the nonce is the one just asked); `del:no` not."""
    answer, _, nonce = arg.partition(":")
    expected = turn.ctx.pop(DELETE_NONCE_KEY, None)
    if answer == "yes" and expected is not None and nonce == expected:
        turn.store.delete_user(turn.user.user_id)
        turn.forget()
        turn.reply(turn.say("delete.done"))
    elif answer == "no" and expected is not None:
        turn.reply(turn.say("delete.cancelled"), back_buttons(turn))
    else:  # an old, repeated or forged confirmation: never delete on it
        turn.engine.stale_button(turn)


def register(engine: Engine) -> None:
    """Add /privacy, /export and /delete."""
    engine.add_command("privacy", cmd_privacy, "privacy.command", order=80)
    engine.add_command("export", cmd_export, "export.command", order=81)
    engine.add_command("delete", cmd_delete, "delete.command", order=82)
    engine.add_action(DELETE_ACTION, action_delete)
