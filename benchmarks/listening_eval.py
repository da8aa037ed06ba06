"""Measure the free-text router: `python -m benchmarks.listening_eval [--compare]`.

Development figures come from 5-fold cross-validation on the development set (the router is
trained on four fifths and read the fifth it never saw); evaluation figures come from the
router trained on the whole development set, reading the held-apart evaluation split. Only
aggregate figures are printed, never a message: the evaluation split must not be tuned on.
`--compare` prints the cross-validated comparison of techniques in docs/listening.md.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sklearn.model_selection import StratifiedKFold

from content import load_content
from content.faq import FaqContent
from flows.faq_matcher import FaqMatcher
from flows.listening import KINDS, Example, Reading, Router, load_examples

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "tests" / "data" / "listening_dev.yaml"
EVAL_SET = ROOT / "tests" / "data" / "listening_eval.yaml"
FOLDS = 5


@dataclass
class Figures:
    """Aggregate figures of the router on one set of messages."""

    total: int = 0
    right: int = 0
    # kind -> [true positives, predicted as kind, labelled as kind]
    per_kind: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0, 0] for k in KINDS})
    rehearse_routed: int = 0  # read as rehearse, or as the practice feature: both open practice
    # labelled kind -> read kind -> count (aggregate confusion, no message is kept)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    rehearse_total: int = 0
    area_right: int = 0
    area_total: int = 0
    shares_outside: int = 0
    feature_right: int = 0
    feature_total: int = 0

    def add(self, example: Example, reading: Reading, outside: bool) -> None:
        """Count one message."""
        self.total += 1
        self.right += reading.kind == example.kind
        if example.kind in self.per_kind:
            self.per_kind[example.kind][2] += 1
        self.per_kind[reading.kind][1] += 1
        if reading.kind == example.kind:
            self.per_kind[reading.kind][0] += 1
        row = self.confusion.setdefault(example.kind, {})
        row[reading.kind] = row.get(reading.kind, 0) + 1
        if example.kind == "rehearse":
            opens_practice = reading.kind == "rehearse" or reading.feature == "practice"
            self.rehearse_total += 1
            self.rehearse_routed += opens_practice
            if example.area:
                self.area_total += 1
                self.area_right += opens_practice and reading.area == example.area
        if example.kind == "share" and outside:
            self.shares_outside += 1
        if example.kind == "feature" and example.feature:
            self.feature_total += 1
            self.feature_right += reading.feature == example.feature

    def rate(self, kind: str, which: int) -> float:
        """Precision (which=1) or recall (which=2) of one kind."""
        hits, *counts = self.per_kind[kind]
        count = counts[which - 1]
        return hits / count if count else float("nan")

    @property
    def accuracy(self) -> float:
        """Share of messages read as the right kind."""
        return self.right / self.total if self.total else float("nan")

    @property
    def share_recall(self) -> float:
        """Share of shares recognised as shares."""
        return self.rate("share", 2)

    @property
    def rehearse_rate(self) -> float:
        """Share of rehearsal requests routed to rehearsal."""
        return self.rehearse_routed / self.rehearse_total if self.rehearse_total else 0.0

    @property
    def area_rate(self) -> float:
        """Share of rehearsal requests naming a part of life routed there."""
        return self.area_right / self.area_total if self.area_total else 0.0


def _outside(reading: Reading, text: str, matcher: FaqMatcher) -> bool:
    """Whether Tandem would answer "outside what I know" (off-topic, or an unmatched question)."""
    if reading.kind == "off_topic":
        return True
    return reading.kind == "question" and matcher.match(text).confidence == "low"


def _faq() -> FaqContent:
    return load_content().section("faq")


def cross_validated(
    examples: Sequence[Example],
    faq: FaqContent,
    build: Callable[[Sequence[Example]], Router] | None = None,
) -> Figures:
    """Figures of `FOLDS`-fold cross-validation (stratified by kind, fixed shuffle)."""
    matcher = FaqMatcher.from_entries(faq.entries, faq.off_topic)
    figures = Figures()
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    kinds = [e.kind for e in examples]
    for train_rows, test_rows in folds.split(examples, kinds):
        train = [examples[i] for i in train_rows]
        router = build(train) if build is not None else Router(train, faq=faq)
        for i in test_rows:
            reading = router.read(examples[i].text)
            figures.add(examples[i], reading, _outside(reading, examples[i].text, matcher))
    return figures


def held_out(
    train: Sequence[Example], test: Sequence[Example], faq: FaqContent
) -> tuple[Figures, list[float]]:
    """Figures of the router trained on `train` reading `test`, and each read's time in ms."""
    router = Router(train, faq=faq)
    matcher = FaqMatcher.from_entries(faq.entries, faq.off_topic)
    figures = Figures()
    latencies = []
    for example in test:
        started = time.perf_counter()
        reading = router.read(example.text)
        latencies.append((time.perf_counter() - started) * 1000)
        figures.add(example, reading, _outside(reading, example.text, matcher))
    return figures, latencies


def unseen(test: Sequence[Example], train: Sequence[Example]) -> list[Example]:
    """The test messages whose words are not also a training message ("hi", "sos" and a few
    common questions were written in both sets independently; they are left out of the
    figures so the evaluation measures messages the router never saw)."""
    known = {_key(e.text) for e in train}
    return [e for e in test if _key(e.text) not in known]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def print_figures(title: str, figures: Figures) -> None:
    """Print one set's figures (aggregates only)."""
    print(f"\n== {title}: {figures.total} messages ==")
    print(f"{'kind':<12}{'precision':>10}{'recall':>8}{'count':>7}")
    for kind in KINDS:
        _, _, labelled = figures.per_kind[kind]
        print(
            f"{kind:<12}{figures.rate(kind, 1):>10.1%}{figures.rate(kind, 2):>8.1%}{labelled:>7}"
        )
    print("read as (labelled kind: counts of what it was read as)")
    for kind in KINDS:
        row = figures.confusion.get(kind, {})
        missed = ", ".join(f"{k} {n}" for k, n in sorted(row.items()) if k != kind)
        print(f"  {kind:<12}{missed or '-'}")
    print(f"overall accuracy           {figures.accuracy:.1%}")
    print(f"shares recognised          {figures.share_recall:.1%}")
    print(f"shares to 'outside'        {figures.shares_outside}")
    print(
        f"rehearse opens practice    {figures.rehearse_rate:.1%}"
        f" ({figures.rehearse_routed}/{figures.rehearse_total})"
    )
    print(
        f"  ...in the right area     {figures.area_rate:.1%}"
        f" ({figures.area_right}/{figures.area_total} naming one)"
    )
    if figures.feature_total:
        print(f"feature named right        {figures.feature_right / figures.feature_total:.1%}")


def compare(examples: Sequence[Example], faq: FaqContent) -> None:
    """Cross-validated accuracy of the router's settings weighed on the development set."""
    print("technique (5-fold CV on the development set)   accuracy  shares  rehearse")
    for c in (0.05, 0.2, 1.0):

        def build(train: Sequence[Example], c: float = c) -> Router:
            """The router with this regularisation."""
            return Router(train, faq=faq, kind_c=c)

        figures = cross_validated(examples, faq, build)
        print(
            f"rules + cues + tf-idf + linear svm C={c:<5}     {figures.accuracy:>7.1%}"
            f"  {figures.share_recall:>6.1%}  {figures.rehearse_rate:>7.1%}"
        )
    figures = cross_validated(examples, faq, lambda train: Router(train))
    print(
        f"same, without the FAQ's wordings as examples    {figures.accuracy:>7.1%}"
        f"  {figures.share_recall:>6.1%}  {figures.rehearse_rate:>7.1%}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Print development (cross-validated) and evaluation figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compare", action="store_true", help="compare techniques (dev CV)")
    args = parser.parse_args(argv)
    dev = load_examples(DEV_SET)
    faq = _faq()
    if args.compare:
        compare(dev, faq)
        return
    print_figures(f"development, {FOLDS}-fold cross-validation", cross_validated(dev, faq))
    if EVAL_SET.exists():
        evaluation = load_examples(EVAL_SET)
        fresh = unseen(evaluation, dev)
        figures, latencies = held_out(dev, fresh, faq)
        print_figures(
            f"evaluation (held apart, never tuned on; {len(evaluation) - len(fresh)} messages "
            "also in the development set left out)",
            figures,
        )
        ordered = sorted(latencies)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
        print(f"read latency p99           {p99:.2f} ms")
    else:
        print(f"\n(no evaluation split at {EVAL_SET})")


if __name__ == "__main__":
    main()
