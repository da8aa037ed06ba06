"""The FAQ in conversation: free text at the menu, /faq, the list, votes and /faqstats."""

from __future__ import annotations

from sqlalchemy import text

from bot.app import Runtime
from content.faq import FaqContent
from tests.support.chat import ChatDriver

ADMIN = 7001
SOMEONE = 7002
MIDDLE_QUESTION = "codependency and friends and boundaries"
PERSONAL = "my mother yelled at me again and I feel small"
SHARE = "Send this question"


def ask_unanswered(driver: ChatDriver, question: str) -> None:
    """Ask /faq a question it cannot answer; past "Did you mean…" when it is offered. (Typed at
    the menu, a story like PERSONAL is heard as a share: tests/test_listening_flow.py.)"""
    driver.command("faq", question)
    if "Did you mean" in driver.text:
        driver.press("None of these")
    assert "Did this help?" not in driver.text


def stored_questions(runtime: Runtime) -> list[str | None]:
    """The question column of every FAQ query row (as stored: encrypted when keys are set)."""
    with runtime.database.connect() as connection:
        rows = connection.execute(text("SELECT question FROM faq_queries ORDER BY id"))
        return [row[0] for row in rows]


def stored_contexts(runtime: Runtime) -> str:
    """Every conversation context as stored, as one string to search."""
    with runtime.database.connect() as connection:
        rows = connection.execute(text("SELECT context FROM conversations"))
        return " ".join(str(row[0]) for row in rows)


def faq_of(runtime: Runtime) -> FaqContent:
    """The FAQ content the runtime was built with."""
    faq = runtime.engine.content.section("faq")
    assert isinstance(faq, FaqContent)
    return faq


def answer_start(runtime: Runtime, entry_id: str) -> str:
    """The first words of an entry's answer, to recognize it in a reply."""
    entry = faq_of(runtime).entry(entry_id)
    assert entry is not None
    return entry.answer[:60]


def test_free_text_at_the_menu_is_answered(chat: ChatDriver, runtime: Runtime) -> None:
    """A question typed at rest gets the answer, related entries and the vote buttons."""
    chat.onboard()
    chat.command("menu")
    chat.send("how do i set boundries with my mum??")
    assert answer_start(runtime, "how-to-set-boundaries") in chat.text
    assert "Did this help?" in chat.text
    labels = chat.labels()
    assert "Yes, it helped" in labels and "Not really" in labels
    related = faq_of(runtime).entry("how-to-set-boundaries")
    assert related is not None
    first_related = faq_of(runtime).entry(related.related[0])
    assert first_related is not None and first_related.question in labels
    chat.press("Yes, it helped")
    assert "glad it helped" in chat.text
    chat.press(first_related.question)  # related entries are answers too
    assert first_related.answer[:60] in chat.text


def test_unclear_question_offers_did_you_mean(chat: ChatDriver, runtime: Runtime) -> None:
    """A middling match offers up to three entries and 'None of these'."""
    chat.onboard()
    chat.command("menu")
    chat.send(MIDDLE_QUESTION)
    assert "Did you mean" in chat.text
    entry_buttons = [b for b in chat.buttons if b.payload.startswith("fq:m:")]
    assert 1 <= len(entry_buttons) <= 3
    assert "None of these" in chat.labels()
    chosen = entry_buttons[0]
    chat.press_payload(chosen.payload)
    entry = faq_of(runtime).entry(chosen.payload.split(":")[2])
    assert entry is not None and entry.answer[:60] in chat.text


def test_off_topic_is_declined_plainly(chat: ChatDriver) -> None:
    """Weather gets no FAQ answer: outside what Tandem knows, and what it can help with."""
    chat.onboard()
    chat.command("menu")
    chat.send("what's the weather like in paris tomorrow")
    assert "outside what Tandem knows" in chat.text
    assert "I can help with" in chat.text
    assert "Did this help?" not in chat.text
    assert "Browse the questions" in chat.labels()


def test_faq_list_pages_and_direct_questions(chat: ChatDriver, runtime: Runtime) -> None:
    """/faq lists questions a page at a time; /faq <question> asks directly."""
    chat.onboard()
    chat.command("faq")
    total = len(faq_of(runtime).entries)
    pages = -(-total // 6)
    assert f"(1 of {pages})" in chat.text
    chat.press("More")
    assert f"(2 of {pages})" in chat.text
    chat.press("Back")
    assert f"(1 of {pages})" in chat.text
    first = faq_of(runtime).entries[0]
    chat.press(first.question)
    assert first.answer[:60] in chat.text
    chat.command("faq", "how can i learn to say no to my boss")
    assert answer_start(runtime, "how-to-say-no") in chat.text


def test_text_inside_a_flow_is_not_a_faq_question(chat: ChatDriver) -> None:
    """Mid-reflection, free text is the answer to the question just asked, not an FAQ query."""
    chat.onboard()
    chat.command("reflect")
    chat.press(chat.labels()[0])  # pick a theme
    chat.send("what is codependency")
    assert "Did this help?" not in chat.text


def test_stats_are_admin_only_and_count_questions(runtime: Runtime) -> None:
    """Most asked, least helpful and unmatched questions; others get the unknown reply."""
    runtime.engine.admin_ids = frozenset({ADMIN})
    someone = ChatDriver(runtime.service, user_id=SOMEONE)
    someone.onboard()
    someone.command("nonexistent")
    unknown_reply = someone.text
    someone.command("faqstats")
    assert someone.text == unknown_reply

    someone.command("menu")
    someone.send("how do i say no")
    someone.press("Not really")
    assert "Thank you for telling me" in someone.text
    someone.send("tips for refusing requests politely")
    ask_unanswered(someone, "recommend me a pizza place in rome")
    someone.press(SHARE)
    ask_unanswered(someone, "who won the cricket last night")  # unanswered, not sent

    shy = ChatDriver(runtime.service, user_id=SOMEONE + 1)
    shy.onboard(consent=False)
    shy.command("menu")
    ask_unanswered(shy, "who won the football match")

    admin = ChatDriver(runtime.service, user_id=ADMIN)
    admin.onboard()
    admin.command("faqstats")
    stats = admin.text
    question = faq_of(runtime).entry("how-to-say-no")
    assert question is not None
    assert f"2 × {question.question}" in stats
    assert f"1/1 × {question.question}" in stats
    assert "recommend me a pizza place in rome" in stats  # sent by the person
    assert "who won the cricket" not in stats  # not sent: words never stored
    assert "who won the football match" not in stats  # no consent: words not kept


def test_unanswered_question_words_are_not_stored_by_default(
    chat: ChatDriver, runtime: Runtime
) -> None:
    """The words of a question Tandem cannot answer are neither stored nor left in the context
    after the next step; only the query (no match, a score) is recorded."""
    chat.onboard()
    chat.command("menu")
    ask_unanswered(chat, PERSONAL)
    assert any(SHARE in label for label in chat.labels())
    assert stored_questions(runtime) == [None]
    chat.command("menu")  # the next event forgets the held words
    assert "yelled" not in stored_contexts(runtime)
    assert stored_questions(runtime) == [None]
    chat.send("how do i say no")  # answered questions keep no words either
    assert stored_questions(runtime) == [None, None]


def test_shared_question_is_stored_and_shown_in_stats(runtime: Runtime) -> None:
    """Pressing the button stores the words, once; /faqstats lists only sent questions."""
    runtime.engine.admin_ids = frozenset({ADMIN})
    asker = ChatDriver(runtime.service, user_id=SOMEONE)
    asker.onboard()
    asker.command("menu")
    ask_unanswered(asker, PERSONAL)
    share = asker.button(SHARE).payload
    asker.press_payload(share)
    assert "Sent. Thank you" in asker.text
    assert stored_questions(runtime) == [PERSONAL]
    assert "yelled" not in stored_contexts(runtime)
    asker.press_payload(share)  # pressed again: nothing is held any more
    assert "Sent" not in asker.text
    admin = ChatDriver(runtime.service, user_id=ADMIN)
    admin.onboard()
    admin.command("faqstats")
    assert PERSONAL in admin.text


def test_stale_or_forged_share_buttons_store_nothing(runtime: Runtime) -> None:
    """A share button pressed after another step, by someone else, or made up stores nothing."""
    asker = ChatDriver(runtime.service, user_id=SOMEONE)
    asker.onboard()
    asker.command("menu")
    ask_unanswered(asker, PERSONAL)
    share = asker.button(SHARE).payload
    other = ChatDriver(runtime.service, user_id=SOMEONE + 2)
    other.onboard()
    other.press_payload(share)  # someone else's question
    other.press_payload("fq:s:nonsense")
    assert other.replies and "Sent" not in other.text
    asker.command("help")  # another step: the words are gone
    asker.press_payload(share)
    assert "Sent" not in asker.text
    assert stored_questions(runtime) == [None]


def test_none_of_these_offers_sharing_and_no_consent_offers_nothing(runtime: Runtime) -> None:
    """After "Did you mean…" and "None of these" the words can still be sent; without consent
    to keep words there is no button at all."""
    asker = ChatDriver(runtime.service, user_id=SOMEONE)
    asker.onboard()
    asker.command("menu")
    asker.send(MIDDLE_QUESTION)
    asker.press("None of these")
    asker.press(SHARE)
    assert stored_questions(runtime) == [MIDDLE_QUESTION]

    shy = ChatDriver(runtime.service, user_id=SOMEONE + 1)
    shy.onboard(consent=False)
    shy.command("menu")
    ask_unanswered(shy, PERSONAL)
    assert not any(SHARE in label for label in shy.labels())
    assert "yelled" not in stored_contexts(runtime)
    assert stored_questions(runtime) == [MIDDLE_QUESTION, None]


def test_votes_only_touch_your_own_questions(runtime: Runtime) -> None:
    """A forged vote on someone else's question changes nothing and still gets a thank you."""
    runtime.engine.admin_ids = frozenset({ADMIN})
    first = ChatDriver(runtime.service, user_id=SOMEONE)
    first.onboard()
    first.command("faq", "what is interdependence")
    vote = first.button("Not really").payload
    other = ChatDriver(runtime.service, user_id=SOMEONE + 2)
    other.onboard()
    other.press_payload(vote)
    admin = ChatDriver(runtime.service, user_id=ADMIN)
    admin.onboard()
    admin.command("faqstats")
    assert "/1 ×" not in admin.text
    other.press_payload("fq:v:nonsense")
    assert other.replies  # a malformed button gets the usual stale-button answer


def test_entries_picked_from_the_list_are_not_counted_as_asked(runtime: Runtime) -> None:
    """Reading an entry from the list is not asking it; its vote still counts as helpfulness."""
    runtime.engine.admin_ids = frozenset({ADMIN})
    reader = ChatDriver(runtime.service, user_id=SOMEONE)
    reader.onboard()
    reader.command("faq")
    first = faq_of(runtime).entries[0]
    reader.press(first.question)
    reader.press("Not really")
    reader.command("faq")
    reader.press(first.question)
    reader.command("faq", "how do i say no")

    admin = ChatDriver(runtime.service, user_id=ADMIN)
    admin.onboard()
    admin.command("faqstats")
    say_no = faq_of(runtime).entry("how-to-say-no")
    assert say_no is not None
    most_asked = admin.text.split("Least helpful")[0]
    assert f"1 × {say_no.question}" in most_asked
    assert first.question not in most_asked
    assert f"1/1 × {first.question}" in admin.text


def test_faq_list_mid_activity_does_not_invite_typing(chat: ChatDriver) -> None:
    """Mid-reflection, typed text answers the reflection: the list says so and offers the way
    back, on every page."""
    chat.onboard()
    chat.command("faq")
    assert "type your own question" in chat.text
    chat.command("reflect")
    chat.press(chat.labels()[0])  # pick a theme
    chat.command("faq")
    assert "type your own question" not in chat.text
    assert "still goes to what we were doing" in chat.text
    assert "Back to where I was" in chat.labels()
    chat.press("More")
    assert "type your own question" not in chat.text
    assert "Back to where I was" in chat.labels()
