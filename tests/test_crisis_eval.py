"""The issue's targets on the blind evaluation split (tests/data/crisis_eval.yaml)."""

from __future__ import annotations

import pytest

from benchmarks.crisis_eval import (
    CALM_CHECK_IN_TARGET,
    CALM_CRISIS_TARGET,
    EVAL_SET,
    RECALL_TARGET,
    load_set,
    score,
)
from flows.crisis import default_detector, normalize
from flows.crisis.model import training_messages

_ABSENT = "tests/data/crisis_eval.yaml (the blind evaluation split) is not merged yet"


@pytest.mark.skipif(not EVAL_SET.exists(), reason=_ABSENT)
def test_targets_on_the_evaluation_split() -> None:
    """Recall >= 97%, crisis take-over on calm <= 3%, check-ins on calm <= 10%."""
    figures = score(load_set([EVAL_SET]), default_detector().assess)
    assert figures.total > 0
    assert figures.recall >= RECALL_TARGET
    assert figures.calm_crisis_rate <= CALM_CRISIS_TARGET
    assert figures.calm_check_in_rate <= CALM_CHECK_IN_TARGET


@pytest.mark.skipif(not EVAL_SET.exists(), reason=_ABSENT)
def test_the_evaluation_split_is_not_in_the_training_data() -> None:
    """No evaluation message (ignoring case, spelling and punctuation) is trained on."""
    trained = {normalize(message.text) for message in training_messages()}
    leaked = [m.text for m in load_set([EVAL_SET]) if normalize(m.text) in trained]
    assert not leaked
