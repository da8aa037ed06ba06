"""The FAQ entries on where codependency meets real life (addiction, caregiving, co-parenting,
a friend in crisis, guilt, slips, attachment, diagnosis) and the generated capability answer."""

from __future__ import annotations

import pytest

from bot.app import Runtime
from content.faq import FaqContent, load_faq
from flows.faq_matcher import FaqMatcher
from flows.small_talk import CAPABILITY_ENTRY
from tests.support.chat import ChatDriver

DEPTH_IDS = (
    "loving-someone-with-addiction",
    "is-codependency-a-diagnosis",
    "codependency-and-attachment",
    "guilt-after-saying-no",
    "slipped-back-into-old-patterns",
    "caring-for-someone-ill",
    "co-parenting-boundaries",
    "friend-in-crisis",
)
MIN_DEPTH_VARIANTS = 12


@pytest.fixture(scope="module")
def faq() -> FaqContent:
    """The validated FAQ content."""
    return load_faq()


@pytest.fixture(scope="module")
def matcher(faq: FaqContent) -> FaqMatcher:
    """One matcher for the module."""
    return FaqMatcher.from_entries(faq.entries, faq.off_topic)


@pytest.mark.parametrize("entry_id", DEPTH_IDS)
def test_depth_entries_exist_with_enough_wordings(faq: FaqContent, entry_id: str) -> None:
    """Each entry is there with at least 12 ways people ask it."""
    entry = faq.entry(entry_id)
    assert entry is not None
    assert len(entry.variants) >= MIN_DEPTH_VARIANTS, len(entry.variants)


@pytest.mark.parametrize(
    ("entry_id", "phrases"),
    [
        (
            "loving-someone-with-addiction",
            ("not your fault", "not yours to fix", "enabling", "al-anon", "nar-anon", "coda",
             "adult children of alcoholics", "/sos"),
        ),
        ("is-codependency-a-diagnosis", ("not a diagnosis", "dsm-5", "icd-11", "addiction")),
        ("codependency-and-attachment", ("anxious attachment", "not the same")),
        ("friend-in-crisis", ("/sos", "crisis line", "do not keep it secret")),
        ("guilt-after-saying-no", ("not the same as fear", "afraid", "/sos", "/practice")),
        ("co-parenting-boundaries", ("/sos", "children")),
        ("causes-of-codependency", ("drank", "adult children of alcoholics", "where it started")),
    ],
)  # fmt: skip
def test_answers_say_what_matters(faq: FaqContent, entry_id: str, phrases: tuple[str]) -> None:
    """The facts and safety hooks each answer exists for are in it, in plain words."""
    entry = faq.entry(entry_id)
    assert entry is not None
    answer = entry.answer.lower()
    for phrase in phrases:
        assert phrase in answer, phrase
    # Guilt or pushback after a no is never sold as progress (fear is set apart instead).
    for framing in ("doing something new", "did something new", "sign of progress"):
        assert framing not in answer, framing


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("my wife drinks and i make excuses for her to her boss", "loving-someone-with-addiction"),
        ("is codependency an actual psychiatric diagnosis", "is-codependency-a-diagnosis"),
        ("is my anxious attachment the same thing as codependency", "codependency-and-attachment"),
        ("i feel so guilty after telling my sister no", "guilt-after-saying-no"),
        ("i slipped back into my old people pleasing habits", "slipped-back-into-old-patterns"),
        ("looking after my ill mum and i have lost myself", "caring-for-someone-ill"),
        ("my ex dumps his problems on me when he picks up the kids", "co-parenting-boundaries"),
        ("my friend is in a mental health crisis and i'm her only support", "friend-in-crisis"),
    ],
)  # fmt: skip
def test_new_wordings_reach_the_depth_entries(
    matcher: FaqMatcher, question: str, expected: str
) -> None:
    """Wordings that are not variants still find their entry."""
    result = matcher.match(question)
    assert result.best_id == expected, result
    assert result.confidence in ("high", "middle")


def test_capability_answer_lists_every_command(chat: ChatDriver, runtime: Runtime) -> None:
    """The capability answer lists each visible command with its description."""
    chat.onboard()
    chat.command("faq", "what can tandem help me with")
    engine = runtime.engine
    commands = engine.visible_commands()
    assert len(commands) >= 8
    for spec in commands:
        assert spec.description_key is not None
        assert f"/{spec.name} — {engine.content.text(spec.description_key)}" in chat.text
    assert "/faqstats" not in chat.text  # admin commands stay out of it
    assert engine.content.text("faq.capability_outro") in chat.text


def test_capability_answer_follows_the_registered_commands(
    chat: ChatDriver, runtime: Runtime
) -> None:
    """A command registered later shows up in the answer without touching the YAML."""
    chat.onboard()
    runtime.engine.add_command("newthing", lambda turn, args: None, "commands.help", order=1)
    chat.command("faq", "what can you do")
    help_text = runtime.engine.content.text("commands.help")
    assert f"/newthing — {help_text}" in chat.text
    entry = runtime.engine.content.section("faq").entry(CAPABILITY_ENTRY)
    assert entry is not None and entry.answer in chat.text
