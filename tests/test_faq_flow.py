"""The FAQ in conversation: free text at the menu, /faq, the list, votes and /faqstats."""

from __future__ import annotations

from bot.app import Runtime
from content.faq import FaqContent
from tests.support.chat import ChatDriver

ADMIN = 7001
SOMEONE = 7002
MIDDLE_QUESTION = "codependency and friends and boundaries"


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
    someone.send("recommend me a pizza place in rome")

    shy = ChatDriver(runtime.service, user_id=SOMEONE + 1)
    shy.onboard(consent=False)
    shy.command("menu")
    shy.send("who won the football match")

    admin = ChatDriver(runtime.service, user_id=ADMIN)
    admin.onboard()
    admin.command("faqstats")
    stats = admin.text
    question = faq_of(runtime).entry("how-to-say-no")
    assert question is not None
    assert f"2 × {question.question}" in stats
    assert f"1/1 × {question.question}" in stats
    assert "recommend me a pizza place in rome" in stats
    assert "who won the football match" not in stats  # no consent: words not kept
    assert "words not kept" in stats


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
