"""The issue's targets on the blind evaluation split (tests/data/crisis_eval.yaml)."""

from __future__ import annotations

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

# Recall on the blind split: 87.7% when first scored, 89.1% now; held as a floor so it can only
# go up. The target (RECALL_TARGET, 97%) is not met yet; issue 11 stays open.
RECALL_FLOOR = 0.88


def test_floors_and_targets_on_the_evaluation_split() -> None:
    """Recall at least today's floor (the 97% target is not met yet); crisis take-over on calm
    <= 3% and check-ins on calm <= 10% (both targets met)."""
    assert EVAL_SET.exists()
    figures = score(load_set([EVAL_SET]), default_detector().assess)
    assert figures.total > 0
    assert RECALL_FLOOR < RECALL_TARGET
    assert figures.recall >= RECALL_FLOOR
    assert figures.calm_crisis_rate <= CALM_CRISIS_TARGET
    assert figures.calm_check_in_rate <= CALM_CHECK_IN_TARGET


def test_the_evaluation_split_is_not_in_the_training_data() -> None:
    """No evaluation message (ignoring case, spelling and punctuation) is trained on."""
    trained = {normalize(message.text) for message in training_messages()}
    leaked = [m.text for m in load_set([EVAL_SET]) if normalize(m.text) in trained]
    assert not leaked
