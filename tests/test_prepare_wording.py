"""Tandem's own words never count days or shame a gap: no streaks, no "you missed"."""

from __future__ import annotations

import re

from content import Content
from flows.prepare import card_notice, debrief_notice

# Phrasings that turn a pause into a failure. Scenes and example lines (what other people say
# in practice) are not Tandem talking to the person, so only UI texts are read.
FORBIDDEN = re.compile(
    r"\bstreaks?\b|\byou missed\b|\bdon'?t break\b|\bdays? in a row\b|\byou failed\b"
    r"|\bfalling behind\b|\byou forgot\b|\bhaven'?t (?:been|checked|opened)\b",
    re.IGNORECASE,
)


def test_no_text_counts_days_or_shames_a_gap(content: Content) -> None:
    found = {key: text for key, text in content.texts.items() if FORBIDDEN.search(text)}
    assert found == {}


def test_the_pattern_catches_what_it_is_for() -> None:
    for bad in ("Keep your streak going!", "You missed yesterday.", "3 days in a row"):
        assert FORBIDDEN.search(bad), bad
    for fine in ("Whenever you come back, it counts.", "I missed nothing"):
        assert not FORBIDDEN.search(fine), fine


def test_notices_are_fixed_texts_without_the_persons_words(content: Content) -> None:
    for reply in (card_notice(content, 7), debrief_notice(content, 7)):
        assert reply.text in (
            content.text("prepare.card_ready"),
            content.text("prepare.debrief_ready"),
        )
        assert not FORBIDDEN.search(reply.text)
        ((button,),) = reply.buttons
        assert button.payload.endswith("-7") and button.payload.startswith("go:prepare:")
