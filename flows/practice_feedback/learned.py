"""A small learned reading of a reply's verdict, blended with the rules' own verdict.

Word and letter patterns (TF-IDF) feed a logistic-loss linear classifier (stochastic gradient
descent with a fixed seed, so training is repeatable) fitted on the labelled replies
shipped next to this file (`training_replies.yaml`, the same replies as the development split
tests/data/feedback_dev.yaml). Training is deterministic and happens once, at first use, in well
under a second; nothing is downloaded and nothing is written to disk. docs/practice-feedback.md
has the measurements that chose this blend over rules alone or the model alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from flows.practice_feedback.text import normalize

TRAINING_PATH = Path(__file__).with_name("training_replies.yaml")
# Regularisation, passes over the data and seed of the classifier, and how much the rules'
# verdict is trusted over the model's probabilities; chosen on a development batch the rules had
# not been tuned on (docs/practice-feedback.md).
REGULARISATION = 1e-4
EPOCHS = 50
SEED = 0
RULE_BONUS = 0.5


@dataclass(frozen=True)
class VerdictModel:
    """A trained text classifier from a reply to verdict probabilities."""

    pipeline: Pipeline
    verdicts: tuple[str, ...]

    @classmethod
    def train(cls, examples: Sequence[tuple[str, str]]) -> VerdictModel:
        """Fit the model on (reply, verdict) pairs; the same pairs always give the same model."""
        features = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        )
        classifier = SGDClassifier(
            loss="log_loss", alpha=REGULARISATION, max_iter=EPOCHS, tol=None, random_state=SEED
        )
        pipeline = make_pipeline(features, classifier)
        pipeline.fit([normalize(text).text for text, _ in examples], [v for _, v in examples])
        return cls(pipeline, tuple(str(verdict) for verdict in pipeline.classes_))

    def probabilities(self, text: str) -> dict[str, float]:
        """How likely each verdict is for this reply, by the model alone."""
        row = self.pipeline.predict_proba([normalize(text).text])[0]
        return {verdict: float(p) for verdict, p in zip(self.verdicts, row, strict=True)}


def load_examples(path: Path = TRAINING_PATH) -> list[tuple[str, str]]:
    """The (reply, verdict) pairs of a labelled reply set."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(item["text"]), str(item["verdict"])) for item in raw["replies"]]


@lru_cache(maxsize=1)
def shipped_model() -> VerdictModel:
    """The model trained on the replies shipped with the package (trained once, then kept)."""
    return VerdictModel.train(load_examples())


def blended_verdict(rule_verdict: str, probabilities: Mapping[str, float]) -> str:
    """The verdict with the highest model probability once the rules' verdict gets its bonus."""
    scores = dict(probabilities)
    scores[rule_verdict] = scores.get(rule_verdict, 0.0) + RULE_BONUS
    # Ties go to the rules' verdict, then to the order of the labels, so the result is stable.
    return max(sorted(scores), key=lambda verdict: (scores[verdict], verdict == rule_verdict))
