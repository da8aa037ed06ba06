"""The journal: the person's own entries, newest first, a page at a time."""

from __future__ import annotations

from flows.dates import format_date
from flows.engine import Engine
from flows.home import back_buttons, consent_buttons
from flows.progress import local_zone
from flows.turn import Turn

PAGE_SIZE = 5
# Long answers are shortened in the list so a page always fits in one message; /export has all.
ENTRY_PREVIEW_CHARS = 500
TEXT_KEY_PREFIXES = ("journal.kind.",)


def show_journal(turn: Turn, offset: int = 0) -> None:
    """Send one page of the journal. The conversation's state is left as it was."""
    engine = turn.engine
    kinds = sorted(engine.journal_renderers)
    total = turn.store.count_entries(turn.user.user_id, kinds=kinds)
    if total == 0:
        key = "journal.empty" if turn.keeps_words else "journal.empty_not_kept"
        rows = (
            [*consent_buttons(turn), *back_buttons(turn)]
            if not turn.keeps_words
            else back_buttons(turn)
        )
        turn.reply(turn.say(key), rows)
        return
    offset = max(0, min(offset, (total - 1) // PAGE_SIZE * PAGE_SIZE))
    entries = turn.store.list_entries(
        turn.user.user_id, kinds=kinds, offset=offset, limit=PAGE_SIZE
    )
    blocks = []
    zone = local_zone(turn.user.timezone)
    for entry in entries:
        body = engine.journal_renderers[entry.kind](engine.content, entry)
        if len(body) > ENTRY_PREVIEW_CHARS:
            body = body[: ENTRY_PREVIEW_CHARS - 1].rstrip() + "…"
        label_key = f"journal.kind.{entry.kind}"
        label = turn.say(label_key) if turn.content.has(label_key) else entry.kind
        written = entry.created_at.astimezone(zone)  # the person's own calendar day
        blocks.append(f"{format_date(turn.content, written.date())} · {label}\n{body}")
    header = turn.say(
        "journal.header",
        first=offset + 1,
        last=offset + len(entries),
        total=total,
    )
    paging = []
    if offset > 0:
        paging.append(turn.link("journal.newer", f"jr:{max(0, offset - PAGE_SIZE)}"))
    if offset + PAGE_SIZE < total:
        paging.append(turn.link("journal.older", f"jr:{offset + PAGE_SIZE}"))
    turn.reply("\n\n".join([header, *blocks]), [paging, *back_buttons(turn)])


def cmd_journal(turn: Turn, args: str) -> None:
    """/journal: the first page."""
    show_journal(turn)


def action_page(turn: Turn, arg: str) -> None:
    """`jr:<offset>` buttons: another page (works from any old journal message)."""
    show_journal(turn, int(arg) if arg.isdigit() else 0)


def register(engine: Engine) -> None:
    """Add the journal."""
    engine.add_command("journal", cmd_journal, "commands.journal", order=60)
    engine.add_action("jr", action_page)
    engine.add_menu_item("menu.journal", "go:journal", order=60)
