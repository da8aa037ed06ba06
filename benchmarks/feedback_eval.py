"""Measure the practice feedback analyser: `python -m benchmarks.feedback_eval [options]`.

For the development split (tests/data/feedback_dev.yaml) and the held-out evaluation split
(tests/data/feedback_eval.yaml) it prints verdict accuracy, observation precision and recall,
the number of replies whose analysis contradicts itself, and how often a giving-in reply (and a
hedging, appeasing or safety reply) is praised as a boundary. Only aggregate figures are printed
for the evaluation split; `--errors` lists the development split's misses (never the
evaluation split's, which must not be tuned on).

Scoring, per reply: a `must` tag the analysis names is a true positive, one it misses a false
negative; a `must_not` tag it names is a false positive. Tags in neither list are not scored.
The analyser's observation ids map onto the sets' tags as `TAGS_OF` says (docs/
practice-feedback.md explains why).
"""

from __future__ import annotations

import argparse
import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows.practice_feedback import Analysis, Observation, analyse, contradictions
from flows.practice_feedback.learned import VerdictModel, shipped_model

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "tests" / "data" / "feedback_dev.yaml"
EVAL_SET = ROOT / "tests" / "data" / "feedback_eval.yaml"

# The analyser's observation ids as the sets' tags. `praise_boundary` is not an observation:
# it is derived from the whole analysis (a boundary verdict, or a named clear no).
TAGS_OF: dict[Observation, tuple[str, ...]] = {
    Observation.NAMES_NO: ("names_no",),
    Observation.STATES_NEED: ("states_need",),
    Observation.OFFERS_ALTERNATIVE: ("offers_alternative",),
    Observation.ACKNOWLEDGES_FEELINGS: ("acknowledges_feelings",),
    Observation.USES_I_STATEMENT: ("uses_i_statement",),
    Observation.GIVES_REASON: ("gives_reason",),
    Observation.SAYS_YES: ("says_yes",),
    Observation.CONDITIONAL_YES: ("conditional_yes",),
    Observation.MINIMISING: ("minimising",),
    Observation.LEAVES_DOOR_OPEN: ("leaves_door_open",),
    # A reply with no answer at all leaves the door open just as "maybe" does.
    Observation.NO_CLEAR_ANSWER: ("leaves_door_open",),
    Observation.APPEASING: ("appeasing",),
    Observation.APOLOGISING: ("apologising",),
    Observation.OVER_EXPLAINING: ("over_explaining",),
    Observation.BLAMES: ("blames",),
    # The sets have one tag for blaming, insulting and mocking.
    Observation.SARCASM: ("blames",),
    Observation.EMPTY: (),
    Observation.ONE_WORD: (),
}
# Verdict labels whose replies must never be praised as a boundary.
NEVER_PRAISED = ("giving_in", "hedge", "appeasing", "safety")
_I_SIDE = ("i ", "i'", "im ", "i'm")


@dataclass(frozen=True)
class LabelledReply:
    """One reply of a set with its labels."""

    scene: str
    text: str
    verdict: str
    must: frozenset[str]
    must_not: frozenset[str]


def load_replies(path: Path) -> list[LabelledReply]:
    """Read `replies: [{scene, text, verdict, must, must_not}]` from a YAML set."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        LabelledReply(
            scene=str(item["scene"]),
            text=str(item["text"]),
            verdict=str(item["verdict"]),
            must=frozenset(item.get("must") or ()),
            must_not=frozenset(item.get("must_not") or ()),
        )
        for item in raw["replies"]
    ]


def tags_of(analysis: Analysis) -> set[str]:
    """The sets' tags an analysis names (see TAGS_OF)."""
    tags: set[str] = set()
    for finding in analysis.findings:
        tags.update(TAGS_OF[finding.observation])
        # A need said from one's own side ("I need...", "I'd like...") is also an I statement;
        # the analyser names those words once, as a need.
        if finding.observation is Observation.STATES_NEED and finding.quote.lower().startswith(
            _I_SIDE
        ):
            tags.add("uses_i_statement")
    if analysis.praises_boundary:
        tags.add("praise_boundary")
    return tags


@dataclass
class Score:
    """Aggregate figures for one set."""

    replies: int = 0
    right_verdicts: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    contradicted: int = 0
    praised: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of replies whose verdict is right."""
        return self.right_verdicts / self.replies if self.replies else 0.0

    @property
    def precision(self) -> float:
        """Named must tags over named scored tags (must plus must_not)."""
        named = self.true_positives + self.false_positives
        return self.true_positives / named if named else 1.0

    @property
    def recall(self) -> float:
        """Named must tags over all must tags."""
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


Analyser = Callable[[str], Analysis]
FOLDS = 5


def score(
    replies: Sequence[LabelledReply], analyser: Analyser = analyse, result: Score | None = None
) -> Score:
    """Run the analyser over a set and add up the figures (into `result` when given)."""
    result = result if result is not None else Score()
    for reply in replies:
        analysis = analyser(reply.text)
        named = tags_of(analysis)
        result.replies += 1
        result.confusion[(reply.verdict, analysis.verdict.value)] += 1
        if analysis.verdict.value == reply.verdict:
            result.right_verdicts += 1
        result.true_positives += len(reply.must & named)
        result.false_negatives += len(reply.must - named)
        result.false_positives += len(reply.must_not & named)
        if contradictions(analysis):
            result.contradicted += 1
        if reply.verdict in NEVER_PRAISED and analysis.praises_boundary:
            result.praised[reply.verdict] += 1
        wrong_tags = (reply.must - named) | (reply.must_not & named)
        if analysis.verdict.value != reply.verdict or wrong_tags:
            result.misses.append(
                f"[{reply.scene}] {reply.text!r}: {reply.verdict} -> {analysis.verdict.value}"
                f"; missing {sorted(reply.must - named)}; wrong {sorted(reply.must_not & named)}"
            )
    return result


def cross_validated(replies: Sequence[LabelledReply], folds: int = FOLDS) -> Score:
    """Score a set with the learned model trained, fold by fold, on the other replies only."""
    result = Score()
    for fold in range(folds):
        held = [reply for index, reply in enumerate(replies) if index % folds == fold]
        rest = [reply for index, reply in enumerate(replies) if index % folds != fold]
        model = VerdictModel.train([(reply.text, reply.verdict) for reply in rest])
        score(held, functools.partial(analyse, model=model), result)
    return result


def rules_only(text: str) -> Analysis:
    """The analysis with the rules' verdict alone, no learned model."""
    return analyse(text, model=None)


def model_only_accuracy(
    replies: Sequence[LabelledReply], models: Callable[[int], VerdictModel]
) -> float:
    """Verdict accuracy of the learned model alone (`models(i)` is the model for reply i)."""
    right = 0
    for index, reply in enumerate(replies):
        probabilities = models(index).probabilities(reply.text)
        right += max(probabilities, key=probabilities.__getitem__) == reply.verdict
    return right / len(replies) if replies else 0.0


def format_score(name: str, result: Score) -> list[str]:
    """The aggregate lines for one set."""
    praised = ", ".join(f"{label} {result.praised[label]}" for label in NEVER_PRAISED)
    return [
        f"{name}: {result.replies} replies",
        f"  verdict accuracy      {result.accuracy:.1%}"
        f" ({result.right_verdicts}/{result.replies})",
        f"  observation precision {result.precision:.1%}",
        f"  observation recall    {result.recall:.1%}",
        f"  contradictions        {result.contradicted}",
        f"  praised as a boundary {praised}",
    ]


def format_confusion(result: Score) -> list[str]:
    """Counts of (labelled verdict -> analysed verdict) pairs that differ."""
    wrong = [(pair, n) for pair, n in result.confusion.items() if pair[0] != pair[1]]
    return [f"  {want} -> {got}: {n}" for (want, got), n in sorted(wrong, key=lambda x: -x[1])]


def compare(dev: Sequence[LabelledReply], held_out: Sequence[LabelledReply]) -> list[str]:
    """Rules alone, the learned model alone and the blend, on both splits (verdict accuracy)."""
    fold_models = {
        fold: VerdictModel.train(
            [(r.text, r.verdict) for i, r in enumerate(dev) if i % FOLDS != fold]
        )
        for fold in range(FOLDS)
    }
    lines = ["comparison (verdict accuracy; development figures of the model cross-validated):"]
    rules_dev, rules_eval = score(dev, rules_only), score(held_out, rules_only)
    model_dev = model_only_accuracy(dev, lambda i: fold_models[i % FOLDS])
    model_eval = model_only_accuracy(held_out, lambda _: shipped_model())
    blend_dev, blend_eval = cross_validated(dev), score(held_out)
    lines.append(f"  rules alone   dev {rules_dev.accuracy:.1%}  eval {rules_eval.accuracy:.1%}")
    lines.append(f"  model alone   dev {model_dev:.1%}  eval {model_eval:.1%}")
    lines.append(f"  rules + model dev {blend_dev.accuracy:.1%}  eval {blend_eval.accuracy:.1%}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures for the development and evaluation splits."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.feedback_eval")
    parser.add_argument("--errors", action="store_true", help="list the development misses")
    parser.add_argument(
        "--compare", action="store_true", help="also compare rules, model and the blend"
    )
    parser.add_argument("--dev", type=Path, default=DEV_SET, help="development set")
    parser.add_argument("--eval", type=Path, default=EVAL_SET, help="evaluation set")
    args = parser.parse_args(argv)

    dev_replies = load_replies(args.dev)
    dev = cross_validated(dev_replies)
    print("\n".join(format_score(f"development ({FOLDS}-fold cross-validated)", dev)))
    if args.errors:
        print("  verdict confusion:")
        print("\n".join(format_confusion(dev)))
        print("\n".join(f"  - {miss}" for miss in dev.misses))
    if not args.eval.exists():
        print(f"evaluation: {args.eval} not found")
        return 0
    held_out_replies = load_replies(args.eval)
    held_out = score(held_out_replies)
    print("\n".join(format_score("evaluation (held out, never tuned on)", held_out)))
    if args.compare:
        print("\n".join(compare(dev_replies, held_out_replies)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
