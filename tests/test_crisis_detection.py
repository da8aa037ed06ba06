"""The crisis detector: normalisation, context, and quality floors on the development split."""

from __future__ import annotations

import pytest
import yaml

from benchmarks.crisis_eval import DEV_SETS, load_set, score
from flows.crisis import (
    CrisisDetector,
    CrisisKind,
    Outcome,
    assess,
    default_detector,
    detect_crisis,
    normalize,
    warm_up,
)
from flows.crisis.model import training_messages
from flows.crisis.text import correct_word

DEV = load_set(DEV_SETS)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("I’M NOT ok", "i am not ok"),
        ("dont wanna", "do not want to"),
        ("kil my self", "kill myself"),
        ("k!ll myself", "kill myself"),
        ("k1ll mys3lf", "kill myself"),
        ("5uicide", "suicide"),
        ("su1c1dal", "suicidal"),
        ("s u i c i d e", "suicide"),
        ("k.i.l.l myself", "kill myself"),
        ("sewer slide", "suicide"),
        ("kms", "kill myself"),
        ("un-alive", "unalive"),
        ("relapsed on s/h", "relapsed on selfharm"),
        ("my sh urges", "my selfharm urges"),
        ("self-harm", "selfharm"),
        ("sucide", "suicide"),
        ("suiside", "suicide"),
        ("myslef", "myself"),
        ("sooooo tired", "soo tired"),
        ("he left. it hit me", "he left . it hit me"),
        ("at 3am", "at 3am"),
        ("i w4nt t0 d13", "i want to die"),
        ("u r a star", "you are a star"),
    ],
)
def test_normalize_folds_case_leetspeak_spacing_slang_and_typos(raw: str, normalized: str) -> None:
    """Normalisation gives the phrases one spelling to match against."""
    assert normalize(raw) == normalized


@pytest.mark.parametrize("word", ["suited", "living", "saving", "cutting", "forever", "hopeful"])
def test_fuzzy_repair_leaves_real_words_alone(word: str) -> None:
    """Only typos become lexicon words; real words one edit away stay what they are."""
    assert correct_word(word) == word


@pytest.mark.parametrize(
    ("text", "outcome", "kind"),
    [
        ("i want to k!ll myself tonight", Outcome.CRISIS, CrisisKind.SUICIDE),
        ("ive been saving up my tablets, i think i have enough", Outcome.CRISIS,
         CrisisKind.SUICIDE),
        ("i'm standing on the roof of my building, it's quiet up here", Outcome.CRISIS,
         CrisisKind.SUICIDE),
        ("relapsed on sh last night", Outcome.CRISIS, CrisisKind.SELF_HARM),
        ("he locked me in the bedroom and took my phone", Outcome.CRISIS, CrisisKind.VIOLENCE),
        ("i said no and he didn't stop", Outcome.CRISIS, CrisisKind.SEXUAL_VIOLENCE),
        ("I can't keep doing this, I'm so tired of everything", Outcome.CHECK_IN,
         CrisisKind.DISTRESS),
        ("I can't say no to him, he gets really angry when I do", Outcome.CHECK_IN,
         CrisisKind.FEAR),
    ],
)
def test_phrase_families_decide_outcome_and_kind(
    text: str, outcome: Outcome, kind: CrisisKind
) -> None:
    """Each family gives its outcome and kind, whatever the spelling."""
    got = assess(text)
    assert (got.outcome, got.kind) == (outcome, kind)


@pytest.mark.parametrize(
    "text",
    [
        "no, I've never thought about hurting myself",
        "not suicidal, just annoyed",
        "Haha no I'm not going to kill myself, I just hate my job",
        "He's never laid a finger on me, he just sulks",
    ],
)
def test_negated_answers_are_calm(text: str) -> None:
    """A negation governing the words turns them into an answer, not a danger."""
    assert assess(text).outcome is Outcome.CALM


def test_negation_does_not_hide_what_follows_but() -> None:
    """"I wanted to say no but I was scared he'd get angry" is still fear."""
    assert assess("I wanted to say no but I was scared he'd get angry again").needs_help


@pytest.mark.parametrize(
    "text",
    [
        "Years ago I self-harmed. I'm fine now.",
        "my dad used to hit me when i was a kid",
        "When I was 19 I tried to end my life. I'm 34 now and genuinely happy.",
    ],
)
def test_past_resolved_experiences_are_past(text: str) -> None:
    """Past and resolved: acknowledged, not taken over."""
    assert assess(text).outcome is Outcome.PAST


def test_past_that_is_happening_again_is_a_crisis() -> None:
    """A past marker does not hide a relapse happening now."""
    text = "I used to cut, stopped for a year, and now I'm cutting again every night"
    assert assess(text).outcome is Outcome.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "my friend says she wants to die",
        "My son is cutting himself, I found blades in his pencil case",
        "my sister's boyfriend hits her",
    ],
)
def test_someone_else_in_danger_is_about_other(text: str) -> None:
    """The helper gets the resources, addressed as a helper."""
    got = assess(text)
    assert got.outcome is Outcome.CRISIS
    assert got.about_other


def test_own_danger_is_not_about_other() -> None:
    """"I want to die" is about the writer."""
    assert not assess("honestly i just want to die").about_other


@pytest.mark.parametrize(
    "text",
    [
        "I overdosed on coffee this morning",
        "I literally want to die. sorry wrong group chat 😂",
        "this meeting is killing me",
        "in the film she jumps off the bridge at the end",
        "Doing my essay on how Plath writes about wanting to die",
        "I'm scared he'll be upset if I go to the concert",
        "I shot myself in the foot with that deadline",
    ],
)
def test_jokes_media_idioms_and_ordinary_fear_are_calm(text: str) -> None:
    """Hyperbole, films and ordinary worries do not take over the conversation."""
    assert assess(text).outcome is Outcome.CALM


@pytest.mark.parametrize("text", ["", "   ", "\n", "👍", "..."])
def test_empty_or_symbol_only_text_is_calm(text: str) -> None:
    """Nothing to read means nothing detected."""
    assert assess(text).outcome is Outcome.CALM


def test_detect_crisis_reports_only_crisis_outcomes() -> None:
    """The older entry point answers a kind only when help resources come first."""
    assert detect_crisis("I want to kill myself") is CrisisKind.SUICIDE
    assert detect_crisis("I can't keep doing this anymore") is None
    assert detect_crisis("the weather is lovely") is None


def test_a_crisis_phrase_at_the_end_of_a_long_message_is_found() -> None:
    """Crisis words buried in a long message still count."""
    text = "We argued about the dishes again. " * 40 + "Honestly I want to end it all."
    assert assess(text).outcome is Outcome.CRISIS


def test_the_gravest_kind_wins_when_several_appear() -> None:
    """A message that mentions violence and suicide gets the suicide reply."""
    assert assess("he hits me and I want to die").kind is CrisisKind.SUICIDE


def test_the_model_raises_check_ins_the_phrases_miss() -> None:
    """The learned half adds a check-in where no phrase matched."""
    text = "getting the s-word thoughts again and they're bad tonight"
    assert CrisisDetector(None).assess(text).outcome is Outcome.CALM
    assert default_detector().assess(text).needs_help


@pytest.mark.parametrize(
    "text",
    ["My sister asked again and I said no.", "I told my mum no and she was fine with it."],
)
def test_a_plain_no_without_any_word_of_danger_is_calm(text: str) -> None:
    """Practice answers look like fear messages to the model; with no word of danger or
    distress it needs more certainty than it has."""
    assert assess(text).outcome is Outcome.CALM


def test_the_shipped_training_data_is_the_development_split() -> None:
    """flows/crisis/training.yaml is crisis_dev.yaml plus crisis_dev_extra.yaml, nothing else."""
    assert [m.text for m in training_messages()] == [m.text for m in DEV]
    for path in DEV_SETS:
        assert path.exists(), path


def test_the_development_split_is_large_and_labelled() -> None:
    """At least 300 help messages and 200 calm near-misses, labels from the schema."""
    assert sum(message.needs_help for message in DEV) >= 300
    assert sum(message.expect is Outcome.CALM for message in DEV) >= 200
    assert all(message.kind is not None for message in DEV if message.needs_help)
    assert len({message.text for message in DEV}) == len(DEV)
    raw = yaml.safe_load(DEV_SETS[0].read_text(encoding="utf-8"))
    assert set(raw) == {"messages"}


def test_quality_floors_on_the_development_split() -> None:
    """Hybrid on the split it was fitted to: the floors that keep regressions out."""
    figures = score(DEV, default_detector().assess)
    assert figures.recall >= 0.97
    assert figures.calm_crisis_rate <= 0.03
    assert figures.calm_check_in_rate <= 0.10
    assert figures.past_seen / figures.past_rows >= 0.85
    assert figures.third_right / figures.third_rows >= 0.65


def test_rules_alone_keep_their_floor_on_the_development_split() -> None:
    """Phrases and context without the model: most help already comes from them."""
    figures = score(DEV, CrisisDetector(None).assess)
    assert figures.recall >= 0.80
    assert figures.calm_crisis_rate <= 0.03
    assert figures.calm_check_in_rate <= 0.02


def test_warm_up_builds_the_shared_detector_in_the_background() -> None:
    """After warm-up the first message does not wait for training."""
    warm_up().join(timeout=120)
    assert default_detector() is default_detector()
    assert default_detector().model is not None


@pytest.mark.parametrize("text", [msg.text for msg in DEV[:200]])
def test_every_outcome_but_calm_names_a_kind(text: str) -> None:
    """`kind` is None exactly for calm, with and without the model."""
    for detector in (default_detector(), CrisisDetector(None)):
        got = detector.assess(text)
        assert (got.kind is None) == (got.outcome is Outcome.CALM)


def test_messages_do_not_wait_for_a_model_still_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """While the warm-up trains, the phrases and context answer alone (crisis still caught)."""
    import threading

    import flows.crisis as crisis

    release = threading.Event()
    training = threading.Thread(target=release.wait, daemon=True)
    training.start()
    monkeypatch.setattr(crisis, "_default", None)
    monkeypatch.setattr(crisis, "_warming", training)
    try:
        assert assess("i want to kill myself tonight").outcome is Outcome.CRISIS
        model_only = "getting the s-word thoughts again and they're bad tonight"
        assert assess(model_only).outcome is Outcome.CALM
    finally:
        release.set()
        training.join()


def test_the_model_survives_a_trip_through_json() -> None:
    """The weights a training subprocess sends back give the same readings."""
    import json

    from flows.crisis.model import MessageModel

    model = default_detector().model
    assert model is not None
    copy = MessageModel.from_plain(json.loads(json.dumps(model.to_plain())))
    for message in DEV[:50]:
        text = normalize(message.text)
        assert copy.help_probability(text) == pytest.approx(model.help_probability(text))
        assert copy.likeliest_kind(text) is model.likeliest_kind(text)


@pytest.mark.parametrize(
    "refusal",
    [
        "No, I can't take this on.",
        "I can't do this for you, sorry",
        "sorry but i cant do this today",
        "I can't do this weekend, I'm away",
    ],
)
def test_a_refusal_that_names_what_it_refuses_is_calm(refusal: str) -> None:
    """A practice reply saying no ("can't take this on") is not despair ("can't do this")."""
    assert assess(refusal).outcome is Outcome.CALM


@pytest.mark.parametrize("despair", ["i cant do this anymore", "i just cant do this"])
def test_cannot_do_this_on_its_own_still_gets_a_check_in(despair: str) -> None:
    assert assess(despair).outcome is Outcome.CHECK_IN


@pytest.mark.parametrize(
    "need",
    [
        "I want some time for myself",
        "i want to tell her i need sundays for me",
        "I want to ask my dad for help with rent",
    ],
)
def test_saying_what_you_want_is_calm_with_the_model_loaded(need: str) -> None:
    """Wants and needs are what Tandem is for; "I want to..." is not "I want to die"."""
    assert default_detector().assess(need).outcome is Outcome.CALM


@pytest.mark.parametrize("fear", ["he scares me", "my dad really frightens me"])
def test_a_person_who_frightens_them_gets_a_check_in(fear: str) -> None:
    reading = default_detector().assess(fear)
    assert (reading.outcome, reading.kind) == (Outcome.CHECK_IN, CrisisKind.FEAR)


@pytest.mark.parametrize("plain", ["not kept again", "kept now", "ok whatever then"])
def test_a_few_plain_words_are_not_read_by_the_model(plain: str) -> None:
    """With little to read, the model leans on its prior (mostly danger); it is not asked."""
    assert default_detector().assess(plain).outcome is Outcome.CALM


@pytest.mark.parametrize("reply", ["Not tonight.", "no I can't... well ok fine, I'll do it"])
def test_everyday_practice_replies_are_calm(reply: str) -> None:
    """A short no and a reluctant yes are what practice is about, not danger."""
    assert default_detector().assess(reply).outcome is Outcome.CALM


@pytest.mark.parametrize("plan", ["i'm going to do it tonight", "I've decided to do it"])
def test_a_plan_with_its_time_or_resolve_is_still_a_crisis(plan: str) -> None:
    assert default_detector().assess(plan).outcome is Outcome.CRISIS
