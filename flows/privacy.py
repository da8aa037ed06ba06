"""Privacy controls: /privacy explains, /export hands over everything, /delete erases it all.

None of these change where the person is: /privacy and /export keep the current flow as it
was, and /delete asks first with a one-time confirmation button (an old "yes" from an earlier
message can never delete anything).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from flows.dates import format_date
from flows.engine import Engine
from flows.events import Document
from flows.export_archive import (
    TELEGRAM_PART_LIMIT,
    ExportArchive,
    export_dir,
    remove_stale_parts,
)
from flows.faq import HELD_KEY as FAQ_HELD_KEY
from flows.home import back_buttons, consent_buttons
from flows.prepare import HELD_KEYS as PREPARE_HELD_KEYS
from flows.progress import local_zone
from flows.safety import PENDING_KEY
from flows.safety_plan import FLOW as PLAN_FLOW
from flows.safety_plan import HELD_KEY as PLAN_HELD_KEY
from flows.turn import Turn

EXPORT_FORMAT = "tandem-export"
EXPORT_VERSION = 2  # 2: zip parts with the JSON and a readable journal.txt
EXPORT_PAGE_SIZE = 100  # journal entries read per query while building an export
EXPORT_PART_LIMIT = TELEGRAM_PART_LIMIT  # bytes per file sent
# Free text held in a conversation context through `protect_text`, as {key: {"text": ...}}:
# export reveals it, key rotation re-encrypts it.
HELD_TEXT_KEYS = (PENDING_KEY, FAQ_HELD_KEY, *PREPARE_HELD_KEYS)
DELETE_ACTION = "del"
DELETE_NONCE_KEY = "_delete"  # in the current flow's context, like any one-time question


def cmd_privacy(turn: Turn, args: str) -> None:
    """/privacy: what is kept, why, for how long, who can see it, and the person's choices."""
    rows = [
        [turn.link("privacy.export", "go:export"), turn.link("privacy.delete", "go:delete")],
        *consent_buttons(turn),
        *back_buttons(turn),
    ]
    facts = turn.store.storage_facts()  # the truth about this server, not a promise
    text = turn.say(
        "privacy.text",
        at_rest=turn.say("privacy.encrypted" if facts.encrypted else "privacy.not_encrypted"),
        after_delete=turn.say(
            "privacy.deleted_lingers" if facts.deleted_data_lingers else "privacy.deleted_wiped"
        ),
    )
    turn.reply(text, rows)


def held_texts_revealed(turn: Turn, conversation: dict[str, Any]) -> dict[str, Any]:
    """A conversation row with its held texts readable (they are protected, not columns)."""
    context = conversation.get("context")
    if not isinstance(context, dict):
        return conversation
    for key in HELD_TEXT_KEYS:
        held = context.get(key)
        if isinstance(held, dict) and isinstance(held.get("text"), str):
            held["text"] = turn.store.reveal_text(held["text"])
    # Safety plan steps held (without consent) until the plan is shown once: {step: text}.
    plan_held = context.get(PLAN_HELD_KEY)
    if conversation.get("flow") == PLAN_FLOW and isinstance(plan_held, dict):
        for step_id, protected in plan_held.items():
            plan_held[step_id] = turn.store.reveal_text(str(protected))
    return conversation


def journal_items(turn: Turn) -> Iterator[tuple[dict[str, Any], str]]:
    """Every entry as the journal shows it (question, scene or prompt with the answer), newest
    first, as a JSON item and as readable text: the tables carry only ids like
    "communication-01"."""
    engine = turn.engine
    zone = local_zone(turn.user.timezone)
    offset = 0
    while True:
        # All kinds, not only those with a renderer: the export must be complete.
        page = turn.store.list_entries(
            turn.user.user_id, kinds=None, offset=offset, limit=EXPORT_PAGE_SIZE
        )
        for entry in page:
            renderer = engine.journal_renderers.get(entry.kind)
            label_key = f"journal.kind.{entry.kind}"
            kind = turn.say(label_key) if turn.content.has(label_key) else entry.kind
            text = renderer(engine.content, entry) if renderer is not None else entry.text or ""
            local = entry.created_at.astimezone(zone)
            heading = f"{format_date(turn.content, local.date(), 'long')}, {local:%H:%M} · {kind}"
            item = {"date": entry.created_at.isoformat(), "kind": kind, "text": text}
            yield item, f"{heading}\n{text}" if text else heading
        if len(page) < EXPORT_PAGE_SIZE:
            return
        offset += EXPORT_PAGE_SIZE


def write_export(turn: Turn, archive: ExportArchive) -> None:
    """Everything stored about the person into the archive: the journal, then every table."""
    for item, text in journal_items(turn):
        archive.journal(item, text)
    for table, rows in turn.store.export_tables(turn.user.user_id):
        archive.table(table)  # listed even when empty: the file shows what could be stored
        for row in rows:
            if table == "conversations":
                row = held_texts_revealed(turn, row)
            archive.row(table, row)


def export_caption(turn: Turn) -> str:
    """The words sent with the export."""
    today = turn.now.astimezone(local_zone(turn.user.timezone)).date()
    return turn.say("export.caption", date=format_date(turn.content, today, "long"))


def cmd_export(turn: Turn, args: str) -> None:
    """/export: everything stored about the person, as zip files sent after this event.

    The files are built when the reply is sent (`build_export`), after this event's
    transaction: a large export never holds a write lock, and a reply waiting to be sent is a
    small request rather than a file.
    """
    caption = export_caption(turn)
    turn.reply(
        caption,
        back_buttons(turn),
        document=Document(
            filename=f"tandem-export-{turn.now:%Y-%m-%d}.zip",
            caption=caption,
            export_of=turn.user.user_id,
        ),
    )


def build_export(turn: Turn) -> list[Document]:
    """The export's zip parts on disk (split to fit uploads), each as a document to send."""
    today = turn.now.astimezone(local_zone(turn.user.timezone)).date()
    header = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": turn.now.isoformat(),
        "user_id": turn.user.user_id,
    }
    folder = export_dir()
    remove_stale_parts(folder)
    archive = ExportArchive(
        header,
        turn.say("export.journal_title", date=format_date(turn.content, today, "long")),
        folder=folder,
        part_limit=EXPORT_PART_LIMIT,
    )
    try:
        write_export(turn, archive)
        parts = archive.finish()
    except BaseException:
        archive.discard()  # nothing half-written is left on disk
        raise
    caption = export_caption(turn)
    stem = f"tandem-export-{turn.now:%Y-%m-%d}"
    documents = []
    for number, path in enumerate(parts, start=1):
        if len(parts) == 1:
            filename, text = f"{stem}.zip", caption
        else:
            filename = f"{stem}-part-{number}-of-{len(parts)}.zip"
            text = f"{caption}\n\n{turn.say('export.part', part=number, parts=len(parts))}"
        documents.append(Document(filename=filename, caption=text, path=str(path)))
    return documents


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
    engine.export_builder = build_export
    engine.add_command("delete", cmd_delete, "delete.command", order=82)
    engine.add_action(DELETE_ACTION, action_delete)
