"""The learned half of the detector: TF-IDF word and character n-grams, logistic regression.

Trained at first use, deterministically, on the labelled messages shipped with the package
(flows/crisis/training.yaml): no pickles, no downloads. The rules decide crisis; this model
raises check-ins the rules miss ("my friends think the bruises are from netball. they're
from me"). Scoring one message does not call scikit-learn: the fitted vocabularies, idf
weights and coefficients are copied into dicts, so a message costs a few dict lookups per
n-gram instead of sparse-matrix set-up.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from flows.crisis.assessment import CrisisKind, Outcome
from flows.crisis.text import normalize

HELP_OUTCOMES = frozenset({Outcome.CRISIS, Outcome.CHECK_IN})


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    """One message of a labelled set, as tests/data/crisis_*.yaml write it."""

    text: str
    category: str
    expect: Outcome
    kind: CrisisKind | None
    about_other: bool

    @property
    def needs_help(self) -> bool:
        """True when the message should get help first or a check-in."""
        return self.expect in HELP_OUTCOMES


def parse_messages(raw: dict[str, Any]) -> list[LabelledMessage]:
    """The `messages:` list of a labelled set, typed."""
    return [
        LabelledMessage(
            text=str(item["text"]),
            category=str(item["category"]),
            expect=Outcome(item["expect"]),
            kind=CrisisKind(item["kind"]) if item.get("kind") else None,
            about_other=item.get("about") == "other",
        )
        for item in raw["messages"]
    ]


def training_messages() -> list[LabelledMessage]:
    """The labelled messages shipped inside the package."""
    text = resources.files("flows.crisis").joinpath("training.yaml").read_text("utf-8")
    return parse_messages(yaml.safe_load(text))


_TOKEN = re.compile(r"\b\w+\b")


def word_ngrams(normalized: str) -> list[str]:
    """Words and pairs of neighbouring words: the model's first feature space."""
    tokens = _TOKEN.findall(normalized)
    return tokens + [f"{first} {second}" for first, second in itertools.pairwise(tokens)]


def char_ngrams(normalized: str) -> list[str]:
    """Two to five letters inside each word, with a space marking its ends ("kms" -> " k",
    "km", ..., "ms "): the second space, robust to typos and spellings never seen."""
    grams: list[str] = []
    for word in normalized.split():
        padded = f" {word} "
        for size in range(2, 6):
            if size > len(padded):
                break
            grams.extend(padded[at : at + size] for at in range(len(padded) - size + 1))
    return grams


_ANALYZERS: tuple[Callable[[str], list[str]], ...] = (word_ngrams, char_ngrams)


@dataclass(frozen=True, slots=True)
class _Space:
    """One fitted TF-IDF space: how to cut a text into features, and each feature's weights."""

    analyzer: Callable[[str], list[str]]
    # feature -> (idf, coefficient for "needs help", coefficients per kind)
    weights: dict[str, tuple[float, float, tuple[float, ...]]]

    def add_scores(self, normalized: str, kind_scores: list[float] | None) -> float:
        """The help score of this space (l2-normalised sublinear tf-idf dot coefficients)."""
        counts = Counter(self.analyzer(normalized))
        found: list[tuple[float, tuple[float, float, tuple[float, ...]]]] = []
        norm = 0.0
        for feature, count in counts.items():
            weight = self.weights.get(feature)
            if weight is None:
                continue
            value = (1.0 + math.log(count)) * weight[0]
            norm += value * value
            found.append((value, weight))
        if not found:
            return 0.0
        scale = 1.0 / math.sqrt(norm)
        score = 0.0
        for value, weight in found:
            score += value * scale * weight[1]
            if kind_scores is not None:
                for index, coefficient in enumerate(weight[2]):
                    kind_scores[index] += value * scale * coefficient
        return score


class MessageModel:
    """P(needs help) and the likeliest kind of a message, from n-gram weights."""

    def __init__(
        self,
        spaces: Sequence[_Space],
        help_intercept: float,
        kinds: Sequence[CrisisKind],
        kind_intercepts: Sequence[float],
    ) -> None:
        self._spaces = tuple(spaces)
        self._help_intercept = help_intercept
        self._kinds = tuple(kinds)
        self._kind_intercepts = tuple(kind_intercepts)

    @classmethod
    def train(cls, messages: Sequence[LabelledMessage]) -> MessageModel:
        """Fit on labelled messages; the same rows always give the same model."""
        # Imported here: scikit-learn is only needed once, to fit.
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        texts = [normalize(message.text) for message in messages]
        # Our own analyzers, so that scoring needs no scikit-learn code at all.
        analyzers = _ANALYZERS
        vectorizers = [
            TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True),
            TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=2),
        ]
        matrices = [vectorizer.fit_transform(texts) for vectorizer in vectorizers]
        features = hstack(matrices).tocsr()
        needs_help = [int(message.needs_help) for message in messages]
        # liblinear: deterministic, and a second or less on a thousand messages.
        help_model = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear")
        help_model.fit(features, needs_help)

        helped = [index for index, message in enumerate(messages) if message.kind is not None]
        # The kind only needs an argmax: a linear SVM (one-vs-rest, liblinear) gives it fast.
        kind_model = LinearSVC(C=1.0, random_state=0)
        kind_model.fit(features[helped], [str(messages[index].kind) for index in helped])
        kinds = [CrisisKind(label) for label in kind_model.classes_]

        spaces = []
        offset = 0
        for analyzer, vectorizer in zip(analyzers, vectorizers, strict=True):
            weights: dict[str, tuple[float, float, tuple[float, ...]]] = {}
            for feature, column in vectorizer.vocabulary_.items():
                at = offset + column
                help_weight = float(help_model.coef_[0][at])
                kind_weights = tuple(float(row[at]) for row in kind_model.coef_)
                weights[feature] = (float(vectorizer.idf_[column]), help_weight, kind_weights)
            offset += len(vectorizer.vocabulary_)
            spaces.append(_Space(analyzer, weights))
        return cls(
            spaces,
            float(help_model.intercept_[0]),
            kinds,
            [float(value) for value in kind_model.intercept_],
        )

    def to_plain(self) -> dict[str, Any]:
        """The fitted weights as plain JSON-ready data (no code, no pickles)."""
        return {
            "help_intercept": self._help_intercept,
            "kinds": [kind.value for kind in self._kinds],
            "kind_intercepts": list(self._kind_intercepts),
            "spaces": [
                {feature: [idf, help_weight, list(kind_weights)]
                 for feature, (idf, help_weight, kind_weights) in space.weights.items()}
                for space in self._spaces
            ],
        }

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> MessageModel:
        """The model back from `to_plain` data."""
        spaces = [
            _Space(
                analyzer,
                {
                    str(feature): (float(idf), float(help_weight), tuple(map(float, kinds)))
                    for feature, (idf, help_weight, kinds) in weights.items()
                },
            )
            for analyzer, weights in zip(_ANALYZERS, plain["spaces"], strict=True)
        ]
        return cls(
            spaces,
            float(plain["help_intercept"]),
            [CrisisKind(kind) for kind in plain["kinds"]],
            [float(value) for value in plain["kind_intercepts"]],
        )

    def help_probability(self, normalized: str) -> float:
        """The probability that a (normalised) message needs help first or a check-in."""
        score = self._help_intercept
        for space in self._spaces:
            score += space.add_scores(normalized, None)
        return 1.0 / (1.0 + math.exp(-score))

    def likeliest_kind(self, normalized: str) -> CrisisKind:
        """The kind of danger the message most resembles."""
        scores = list(self._kind_intercepts)
        for space in self._spaces:
            space.add_scores(normalized, scores)
        return self._kinds[max(range(len(scores)), key=scores.__getitem__)]


def train_in_subprocess(timeout: float = 300.0) -> MessageModel:
    """Fit in a short-lived Python process and take back only the weights (as JSON).

    The bot's own process then never imports scikit-learn or SciPy (about 80 MB), and the
    fit does not hold its interpreter lock while people are being answered.
    """
    completed = subprocess.run(
        [sys.executable, "-m", "flows.crisis.model"],
        capture_output=True,
        check=True,
        timeout=timeout,
    )
    return MessageModel.from_plain(json.loads(completed.stdout))


if __name__ == "__main__":
    json.dump(MessageModel.train(training_messages()).to_plain(), sys.stdout)
