"""Measure the crisis detector: `python -m benchmarks.crisis_eval [--rules-only] [--misses]`.

For the development split (tests/data/crisis_dev.yaml and crisis_dev_extra.yaml) the learned
half is scored by 5-fold cross-validation: each message is assessed by a detector whose model
never saw it. The blind evaluation split (tests/data/crisis_eval.yaml), when present, is
assessed by the shipped detector, trained on the whole development split. Prints, per split:
recall per category (crisis or check-in counts as help), exact outcome agreement, crisis
take-over and check-in rates on calm messages, PAST recognition on past_resolved, about_other
accuracy on third_person, and the time one message takes (median, p99). `--misses` lists the
texts of wrong answers on the development split only (never on the evaluation split).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from flows.crisis import CrisisDetector, Outcome, default_detector
from flows.crisis.model import LabelledMessage, MessageModel, parse_messages, training_messages

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DEV_SETS = (DATA / "crisis_dev.yaml", DATA / "crisis_dev_extra.yaml")
EVAL_SET = DATA / "crisis_eval.yaml"
FOLDS = 5
# The targets, asserted on the evaluation split by tests/test_crisis_eval.py.
RECALL_TARGET = 0.97
CALM_CRISIS_TARGET = 0.03
CALM_CHECK_IN_TARGET = 0.10


def load_set(paths: Sequence[Path]) -> list[LabelledMessage]:
    """The labelled messages of one split, read from the files that exist."""
    messages: list[LabelledMessage] = []
    for path in paths:
        if path.exists():
            messages.extend(parse_messages(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return messages


@dataclass
class Figures:
    """What one split scored."""

    total: int = 0
    exact: int = 0
    help_rows: int = 0
    helped: int = 0
    calm_rows: int = 0
    calm_crisis: int = 0
    calm_check_in: int = 0
    past_rows: int = 0
    past_seen: int = 0
    third_rows: int = 0
    third_right: int = 0
    helped_right_person: int = 0
    by_category: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of messages needing help that got help first or a check-in."""
        return self.helped / self.help_rows if self.help_rows else 1.0

    @property
    def calm_crisis_rate(self) -> float:
        """Share of calm messages taken over by the crisis reply."""
        return self.calm_crisis / self.calm_rows if self.calm_rows else 0.0

    @property
    def calm_check_in_rate(self) -> float:
        """Share of calm messages that got a check-in question."""
        return self.calm_check_in / self.calm_rows if self.calm_rows else 0.0


def score(
    messages: Sequence[LabelledMessage], assess: Callable[[str], object]
) -> Figures:
    """Assess every message and count the figures."""
    figures = Figures()
    for message in messages:
        got = assess(message.text)
        outcome = got.outcome  # type: ignore[attr-defined]
        about_other = got.about_other  # type: ignore[attr-defined]
        figures.total += 1
        figures.exact += outcome is message.expect
        counts = figures.by_category[message.category]
        counts[1] += 1
        wrong = False
        if message.needs_help:
            figures.help_rows += 1
            helped = outcome in (Outcome.CRISIS, Outcome.CHECK_IN)
            figures.helped += helped
            figures.helped_right_person += helped and about_other == message.about_other
            counts[0] += helped
            wrong = not helped
        else:
            # For calm and past groups the category figure is the share left alone.
            counts[0] += outcome in (Outcome.CALM, Outcome.PAST)
            wrong = outcome not in (Outcome.CALM, Outcome.PAST)
        if message.expect is Outcome.CALM:
            figures.calm_rows += 1
            figures.calm_crisis += outcome is Outcome.CRISIS
            figures.calm_check_in += outcome is Outcome.CHECK_IN
        if message.category == "past_resolved":
            figures.past_rows += 1
            figures.past_seen += outcome is Outcome.PAST
        if message.category == "third_person" and message.needs_help:
            figures.third_rows += 1
            figures.third_right += about_other == message.about_other
        if wrong:
            figures.misses.append(f"  {message.category:18} expect {message.expect:8} got "
                                  f"{outcome:8} {message.text!r}")
    return figures


def cross_validated(messages: Sequence[LabelledMessage], *, rules_only: bool) -> Figures:
    """Figures where each message's model was trained without it (5 folds, fixed shuffle)."""
    training = training_messages()
    order = list(range(len(messages)))
    random.Random(11).shuffle(order)
    fold_of = {messages[index].text: position % FOLDS for position, index in enumerate(order)}
    results: dict[str, object] = {}
    for fold in range(FOLDS):
        held_out = [m for m in messages if fold_of[m.text] == fold]
        if rules_only:
            detector = CrisisDetector(None)
        else:
            kept = [m for m in training if fold_of.get(m.text, -1) != fold]
            detector = CrisisDetector(MessageModel.train(kept))
        for message in held_out:
            results[message.text] = detector.assess(message.text)
    return score(messages, results.__getitem__)


def timings(assess: Callable[[str], object], texts: Sequence[str]) -> dict[str, float]:
    """Median and p99 milliseconds per message, wall clock and this thread's CPU time.

    The CPU figure is what the check costs; on a busy machine the wall clock also counts the
    time spent waiting for a core.
    """
    for text in texts:
        assess(text)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(3):
        for text in texts:
            started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
            assess(text)
            cpu.append((time.thread_time_ns() - started_cpu) / 1e6)
            wall.append((time.perf_counter_ns() - started) / 1e6)
    wall.sort()
    cpu.sort()
    at = min(len(wall) - 1, int(0.99 * len(wall)))
    return {
        "wall_median": statistics.median(wall),
        "wall_p99": wall[at],
        "cpu_median": statistics.median(cpu),
        "cpu_p99": cpu[at],
    }


def print_figures(title: str, figures: Figures, *, misses: bool) -> None:
    """One split's figures as a small table."""
    print(f"\n== {title}: {figures.total} messages")
    print(f"  recall (crisis or check-in)      {figures.recall:7.1%}  "
          f"target >= {RECALL_TARGET:.0%}")
    print(f"  exact outcome agreement          {figures.exact / max(1, figures.total):7.1%}")
    print(f"  crisis take-over on calm         {figures.calm_crisis_rate:7.1%}  "
          f"target <= {CALM_CRISIS_TARGET:.0%}")
    print(f"  check-ins on calm                {figures.calm_check_in_rate:7.1%}  "
          f"target <= {CALM_CHECK_IN_TARGET:.0%}")
    if figures.past_rows:
        print(f"  PAST recognised on past_resolved {figures.past_seen / figures.past_rows:7.1%}")
    if figures.third_rows:
        right = figures.third_right / figures.third_rows
        print(f"  about_other right on third_person{right:7.1%}")
    if figures.helped:
        right = figures.helped_right_person / figures.helped
        print(f"  about_other right, all helped    {right:7.1%}")
    print("  per category (help groups: recall; calm and past groups: left alone)")
    for category, (good, count) in sorted(figures.by_category.items()):
        print(f"    {category:20} {good:4}/{count:<4} {good / count:7.1%}")
    if misses and figures.misses:
        print("  wrong answers:")
        print("\n".join(figures.misses))


TRAINING = ROOT / "flows" / "crisis" / "training.yaml"


def write_training() -> None:
    """Ship the development split inside the package, where the model trains from."""
    rows = []
    for path in DEV_SETS:
        rows.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["messages"])
    header = (
        "# The crisis detector's training messages: tests/data/crisis_dev.yaml and\n"
        "# crisis_dev_extra.yaml together, written by `python -m benchmarks.crisis_eval\n"
        "# --write-training` (tests/ is not installed). Never add evaluation messages here.\n"
    )
    body = yaml.safe_dump({"messages": rows}, sort_keys=False, allow_unicode=True, width=100)
    TRAINING.write_text(header + body, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    """Print the figures for the development split and, when present, the evaluation split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules-only", action="store_true", help="phrases and context only")
    parser.add_argument("--misses", action="store_true", help="list wrong dev answers")
    parser.add_argument("--write-training", action="store_true",
                        help="copy the development split into flows/crisis/training.yaml")
    args = parser.parse_args(argv)
    if args.write_training:
        write_training()
        return

    dev = load_set(DEV_SETS)
    mode = "rules only" if args.rules_only else "hybrid, 5-fold cross-validated"
    print_figures(f"development split ({mode})", cross_validated(dev, rules_only=args.rules_only),
                  misses=args.misses)

    started = time.perf_counter()
    detector = CrisisDetector(None) if args.rules_only else default_detector()
    print(f"\nmodel training at first use: {(time.perf_counter() - started) * 1000:.0f} ms")
    if EVAL_SET.exists():
        print_figures("evaluation split (blind)", score(load_set([EVAL_SET]), detector.assess),
                      misses=False)
    else:
        print(f"\n== evaluation split: {EVAL_SET.relative_to(ROOT)} not present")

    calm = [m.text for m in dev if m.expect is Outcome.CALM]
    typed = [m.text for m in dev]
    long_texts = [" ".join(calm[i : i + 25]) for i in range(0, len(calm), 25)]
    average_chars = statistics.mean(len(text) for text in long_texts)
    print("\nper message (ms)                       CPU median  CPU p99  wall median  wall p99")
    for label, texts in (
        (f"calm typical ({len(calm)})", calm),
        (f"all dev messages ({len(typed)})", typed),
        (f"long, ~{average_chars:.0f} chars ({len(long_texts)})", long_texts),
    ):
        figures = timings(detector.assess, texts)
        print(f"  {label:36} {figures['cpu_median']:10.3f} {figures['cpu_p99']:8.3f} "
              f"{figures['wall_median']:12.3f} {figures['wall_p99']:9.3f}")

if __name__ == "__main__":
    main()
