"""The FAQ: ask in your own words (free text at the menu, or /faq <question>), or browse.

Nothing here changes where the person is: answers, the list and "Did you mean…" are views,
like the journal, and their buttons are global (`fq:…`), so they work from any old message.
Every typed question is recorded with the entry it matched and its score, but never its words:
people write personal things here. A question Tandem could not answer offers a button to send
its words to the Tandem team (only with consent to keep words); until the person's next event
the words are held in the conversation context (through `protect_text`, so encrypted when keys
are set) for that button, then forgotten. The vote after an answer is recorded on the same row.
An entry picked from the list or from related entries is recorded too (so its vote has a row),
marked by FAQ_PICK_SCORE so `/faqstats` (admins only) does not count it as asked. Greetings and
thanks at the menu get a warm reply and the menu (flows/small_talk.py), not "outside what
Tandem knows".

Button payloads (Telegram allows 64 bytes; entry ids are short slugs):
  fq:p:<page>            a page of the browsable list
  fq:a:<entry>           an entry picked from the list or from related entries
  fq:m:<entry>:<query>   an entry picked from "Did you mean…" for a typed question
  fq:n:<query>           "None of these" for a typed question
  fq:s:<query>           send the words of an unanswered question to the Tandem team
  fq:v:<query>:<y|n>     the "Did this help?" vote
"""

from __future__ import annotations

import logging
from typing import cast

from content.faq import FaqContent, FaqEntry
from flows.engine import HOME_FLOW, Engine, Priority
from flows.events import Button, EventKind
from flows.faq_matcher import FaqMatcher
from flows.home import back_buttons
from flows.ports import FAQ_PICK_SCORE
from flows.small_talk import CAPABILITY_ENTRY, recognize
from flows.turn import Turn

logger = logging.getLogger(__name__)

ACTION = "fq"
PAGE_SIZE = 6
# The score recorded for a typed message recognized outright as "what can you do".
RECOGNIZED_SCORE = 1.0
STATS_LIMIT = 5
UNMATCHED_LIMIT = 10
QUESTION_PREVIEW_CHARS = 120
# Conversation-context key holding an unanswered question's words until the next event:
# {"query": query id, "text": protected text}. It lives in the current flow's context.
HELD_KEY = "_faq_question"

# Building the matcher trains a small model (~0.2 s); content is immutable, so every engine
# built from the same content (tests build many) shares one matcher.
_matchers: dict[int, tuple[FaqContent, FaqMatcher]] = {}


def faq_content(turn_or_engine: Turn | Engine) -> FaqContent:
    """The parsed FAQ section of the content."""
    return cast(FaqContent, turn_or_engine.content.section("faq"))


def matcher_for(faq: FaqContent) -> FaqMatcher:
    """The matcher for this FAQ content, built once."""
    cached = _matchers.get(id(faq))
    if cached is None or cached[0] is not faq:
        cached = (faq, FaqMatcher.from_entries(faq.entries, faq.off_topic))
        _matchers[id(faq)] = cached
    return cached[1]


def _entry_button(entry: FaqEntry, payload: str) -> Button:
    """A global button labelled with an entry's canonical question."""
    return Button(entry.question, payload)


def show_list(turn: Turn, page: int = 0) -> None:
    """One page of the browsable list of questions."""
    entries = faq_content(turn).entries
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = max(0, min(page, pages - 1))
    shown = entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows: list[list[Button]] = [
        [_entry_button(entry, f"{ACTION}:a:{entry.id}")] for entry in shown
    ]
    paging = []
    if page > 0:
        paging.append(turn.link("faq.page_previous", f"{ACTION}:p:{page - 1}"))
    if page + 1 < pages:
        paging.append(turn.link("faq.page_next", f"{ACTION}:p:{page + 1}"))
    rows.append(paging)
    # Mid-activity, typed text answers the activity, so do not invite a typed question.
    header = (
        turn.say("faq.browse_header", page=page + 1, pages=pages)
        if turn.flow == HOME_FLOW
        else turn.say("faq.browse_header_busy", page=page + 1, pages=pages)
    )
    turn.reply(header, [*rows, *back_buttons(turn)])


def answer_text(turn: Turn, entry: FaqEntry) -> str:
    """An entry's answer; "what can Tandem do" also lists the commands registered now."""
    if entry.id != CAPABILITY_ENTRY:
        return entry.answer
    # Built from the engine, not written in the YAML, so a new command shows up by itself.
    commands = [
        f"/{spec.name} — {turn.say(spec.description_key)}"
        for spec in turn.engine.visible_commands()
        if spec.description_key
    ]
    return "\n".join([entry.answer, "", *commands, "", turn.say("faq.capability_outro")])


def show_answer(turn: Turn, entry: FaqEntry, query_id: int) -> None:
    """The answer, the vote buttons, and buttons for related entries."""
    faq = faq_content(turn)
    rows: list[list[Button]] = [
        [
            turn.link("faq.vote_yes", f"{ACTION}:v:{query_id}:y"),
            turn.link("faq.vote_no", f"{ACTION}:v:{query_id}:n"),
        ]
    ]
    for related_id in entry.related:
        related = faq.entry(related_id)
        if related is not None:
            rows.append([_entry_button(related, f"{ACTION}:a:{related.id}")])
    text = f"{entry.question}\n\n{answer_text(turn, entry)}\n\n{turn.say('faq.did_this_help')}"
    turn.reply(text, [*rows, *back_buttons(turn)])


def hold_question(turn: Turn, query_id: int, question: str) -> None:
    """Hold an unanswered question's words until the next event, so the person may send them
    to the team; never without consent to keep words."""
    if turn.keeps_words:
        turn.ctx[HELD_KEY] = {"query": query_id, "text": turn.hold_text(HELD_KEY, question)}


def _held_query(turn: Turn) -> int | None:
    """The id of the query whose words are held, or None."""
    held = turn.ctx.get(HELD_KEY)
    query = held.get("query") if isinstance(held, dict) else None
    return query if isinstance(query, int) else None


def share_offer(turn: Turn, query_id: int) -> tuple[str, list[list[Button]]]:
    """The sentence and button offering to send the held question's words, when they are held."""
    if _held_query(turn) != query_id:
        return "", []
    return (
        f"\n\n{turn.say('faq.share_offer')}",
        [[turn.link("faq.share_question", f"{ACTION}:s:{query_id}")]],
    )


def forget_held_question(turn: Turn) -> bool:
    """Interrupt: any event but "None of these" or "Send" for the held question forgets its
    words, so they never outlive the next step."""
    query_id = _held_query(turn)
    event = turn.event
    keep = event.kind is EventKind.BUTTON and event.payload in (
        f"{ACTION}:n:{query_id}",
        f"{ACTION}:s:{query_id}",
    )
    if not keep:
        turn.ctx.pop(HELD_KEY, None)
    return False


def show_outside(turn: Turn, query_id: int) -> None:
    """Plainly outside what Tandem knows, and what it can help with instead."""
    offer, share_rows = share_offer(turn, query_id)
    text = f"{turn.say('faq.not_my_area')}\n\n{turn.say('faq.what_i_can_help_with')}{offer}"
    rows = [
        *share_rows,
        [turn.link("faq.browse", f"{ACTION}:p:0")],
        *turn.engine.menu_buttons(turn),
    ]
    turn.reply(text, rows)


def ask(turn: Turn, question: str) -> None:
    """Answer a typed question: the answer, "Did you mean…", or honestly outside our area."""
    faq = faq_content(turn)
    result = matcher_for(faq).match(question)
    confident = result.confidence == "high" and result.best_id is not None
    query_id = turn.store.add_faq_query(
        turn.user.user_id,
        # Never the words: they are stored only if the person sends them (see `_share`).
        question=None,
        matched_id=result.best_id if confident else None,
        score=result.score,
        created_at=turn.now,
    )
    logger.info("faq question matched=%s confidence=%s", result.best_id, result.confidence)
    if confident and result.best_id is not None:
        entry = faq.entry(result.best_id)
        if entry is not None:
            show_answer(turn, entry, query_id)
            return
    hold_question(turn, query_id, question)
    if result.confidence == "middle" and result.best_id is not None:
        candidates = [result.best_id, *(entry_id for entry_id, _ in result.alternatives)]
        rows: list[list[Button]] = []
        for entry_id in candidates[:3]:
            entry = faq.entry(entry_id)
            if entry is not None:
                rows.append([_entry_button(entry, f"{ACTION}:m:{entry.id}:{query_id}")])
        rows.append([turn.link("faq.none_of_these", f"{ACTION}:n:{query_id}")])
        turn.reply(turn.say("faq.did_you_mean"), [*rows, *back_buttons(turn)])
        return
    show_outside(turn, query_id)


def answer_small_talk(turn: Turn, text: str) -> bool:
    """Greetings and thanks get a warm reply and the menu; "what can you do" gets its
    entry. False when the text is not small talk."""
    kind = recognize(text)
    if kind == "greeting":
        turn.reply(turn.say("faq.greeting"), turn.engine.menu_buttons(turn))
    elif kind == "thanks":
        turn.reply(turn.say("faq.you_are_welcome"), turn.engine.menu_buttons(turn))
    elif kind == "capability" and (entry := faq_content(turn).entry(CAPABILITY_ENTRY)):
        query_id = turn.store.add_faq_query(
            turn.user.user_id,
            question=None,
            matched_id=entry.id,
            score=RECOGNIZED_SCORE,
            created_at=turn.now,
        )
        show_answer(turn, entry, query_id)
    else:
        return False
    return True


def cmd_faq(turn: Turn, args: str) -> None:
    """/faq: the list; /faq <question>: ask directly."""
    question = args.strip()
    if question:
        if not answer_small_talk(turn, question):
            ask(turn, question)
    else:
        show_list(turn)


def _query_id(text: str) -> int | None:
    """A query id from a payload field, or None when it is not one."""
    return int(text) if text.isdigit() else None


def _record_pick(turn: Turn, entry: FaqEntry) -> int:
    """Record an entry the person picked themselves (not a question they asked, so marked with
    FAQ_PICK_SCORE and left out of "most asked"), so that its vote has a row; return its id."""
    return turn.store.add_faq_query(
        turn.user.user_id,
        question=None,
        matched_id=entry.id,
        score=FAQ_PICK_SCORE,
        created_at=turn.now,
    )


def _pick(turn: Turn, entry_id: str) -> None:
    """`fq:a:<entry>`: an entry from the list or from related entries."""
    entry = faq_content(turn).entry(entry_id)
    if entry is None:
        turn.reply(turn.say("faq.unknown_entry"))
        show_list(turn)
        return
    show_answer(turn, entry, _record_pick(turn, entry))


def _meant(turn: Turn, rest: str) -> None:
    """`fq:m:<entry>:<query>`: the person's choice from "Did you mean…"."""
    entry_id, _, raw_query = rest.partition(":")
    entry = faq_content(turn).entry(entry_id)
    query_id = _query_id(raw_query)
    if entry is None or query_id is None:
        turn.reply(turn.say("faq.unknown_entry"))
        show_list(turn)
        return
    if turn.store.resolve_faq_query(turn.user.user_id, query_id, entry.id):
        show_answer(turn, entry, query_id)
    else:  # not this person's question (forged, or deleted since): record a fresh pick
        show_answer(turn, entry, _record_pick(turn, entry))


def _vote(turn: Turn, rest: str) -> bool:
    """`fq:v:<query>:<y|n>`: the vote after an answer; False when the payload is malformed."""
    raw_query, _, vote = rest.partition(":")
    query_id = _query_id(raw_query)
    if query_id is None or vote not in ("y", "n"):
        return False
    turn.store.vote_faq_query(turn.user.user_id, query_id, vote == "y")
    if vote == "y":
        turn.notice("faq.thanks_yes")
    else:
        turn.reply(
            turn.say("faq.thanks_no")
            if turn.flow == HOME_FLOW
            else turn.say("faq.thanks_no_busy"),
            [[turn.link("faq.browse", f"{ACTION}:p:0")], *back_buttons(turn)],
        )
    return True


def _none_of_these(turn: Turn, rest: str) -> None:
    """`fq:n:<query>`: none of the offered entries; the query stays unmatched."""
    query_id = _query_id(rest)
    offer, share_rows = share_offer(turn, query_id) if query_id is not None else ("", [])
    turn.reply(
        f"{turn.say('faq.none_of_these_reply')}{offer}",
        [*share_rows, [turn.link("faq.browse", f"{ACTION}:p:0")], *back_buttons(turn)],
    )


def _share(turn: Turn, rest: str) -> None:
    """`fq:s:<query>`: the person sends the held words of their unanswered question."""
    held = turn.ctx.pop(HELD_KEY, None)
    query_id = _query_id(rest)
    text = held.get("text") if isinstance(held, dict) else None
    shared = (
        turn.keeps_words
        and query_id is not None
        and isinstance(held, dict)
        and held.get("query") == query_id
        and isinstance(text, str)
        # Only the person's own question, and only while it is still unmatched.
        and turn.store.share_faq_query(turn.user.user_id, query_id, turn.store.reveal_text(text))
    )
    if shared:
        turn.notice("faq.shared_thanks")
    else:  # an old or forged button: nothing is held any more
        turn.engine.stale_button(turn)


def action_faq(turn: Turn, arg: str) -> None:
    """Every `fq:…` button (see the module docstring)."""
    kind, _, rest = arg.partition(":")
    if kind == "p":
        show_list(turn, int(rest) if rest.isdigit() else 0)
    elif kind == "a":
        _pick(turn, rest)
    elif kind == "m":
        _meant(turn, rest)
    elif kind == "n":
        _none_of_these(turn, rest)
    elif kind == "s":
        _share(turn, rest)
    elif not (kind == "v" and _vote(turn, rest)):
        turn.engine.stale_button(turn)


def cmd_faqstats(turn: Turn, args: str) -> None:
    """/faqstats (admins only): most asked, least helpful and unmatched questions that people
    chose to send."""
    faq = faq_content(turn)
    stats = turn.store.faq_stats(limit=STATS_LIMIT, unmatched_limit=UNMATCHED_LIMIT)
    empty = turn.say("faq.stats_empty")

    def title(entry_id: str) -> str:
        """An entry's question, or its id when the entry no longer exists."""
        entry = faq.entry(entry_id)
        return entry.question if entry is not None else entry_id

    asked = [f"{count} × {title(entry_id)}" for entry_id, count in stats.most_asked]
    unhelpful = [
        f"{no}/{votes} × {title(entry_id)}" for entry_id, no, votes in stats.least_helpful
    ]
    unmatched = [f"- {question[:QUESTION_PREVIEW_CHARS]}" for question in stats.unmatched]
    sections = [
        turn.say("faq.stats_header"),
        "\n".join([turn.say("faq.stats_most_asked"), *(asked or [empty])]),
        "\n".join([turn.say("faq.stats_least_helpful"), *(unhelpful or [empty])]),
        "\n".join([turn.say("faq.stats_unmatched"), *(unmatched or [empty])]),
    ]
    turn.reply("\n\n".join(sections), back_buttons(turn))


def register(engine: Engine) -> None:
    """Add the FAQ: /faq, the admin /faqstats, its buttons, and free text at the menu."""
    matcher_for(faq_content(engine))  # build (and train) at start-up, not on the first question
    engine.add_command("faq", cmd_faq, "commands.faq", order=50)
    engine.add_command("faqstats", cmd_faqstats, "commands.faqstats", order=99, admin_only=True)
    engine.add_action(ACTION, action_faq)
    # Among the first interrupts (it only forgets, never handles), so held words are dropped
    # even when a later interrupt, such as the crisis check, handles the event.
    engine.add_interrupt(forget_held_question, Priority.TIDY)
    engine.add_held_text(HELD_KEY)
    engine.add_menu_item("menu.faq", "go:faq", order=50)
    # Free text at the menu is read by the listening router (flows/free_text.py), which hands
    # questions to `ask` here; it owns the engine's idle-text hook.
