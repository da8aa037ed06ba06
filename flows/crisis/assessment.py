"""What the crisis detector says about a message: the kinds of danger and the outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CrisisKind(StrEnum):
    """The kind of danger a message talks about; the value is used as a content key suffix."""

    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    VIOLENCE = "violence"  # physical violence, threats and coercive control by someone close
    SEXUAL_VIOLENCE = "sexual_violence"
    FEAR = "fear"  # afraid of how someone will react (anger, retaliation): not safe to say no
    DISTRESS = "distress"  # exhaustion and hopelessness short of explicit words


class Outcome(StrEnum):
    """What Tandem does with a message, from most to least urgent."""

    CRISIS = "crisis"  # help resources first, the flow is paused
    CHECK_IN = "check_in"  # a direct, caring question ("Are you safe right now?")
    PAST = "past"  # a past, resolved experience: brief acknowledgement, then let it through
    CALM = "calm"  # nothing to do


@dataclass(frozen=True, slots=True)
class Assessment:
    """The safety reading of one message.

    `kind` is None only for CALM. `about_other` is True when someone else is the one in danger
    ("my friend says she wants to die"): the reply addresses the person as a helper.
    """

    outcome: Outcome
    kind: CrisisKind | None = None
    about_other: bool = False

    @property
    def needs_help(self) -> bool:
        """True when the message gets help first or a check-in before anything else."""
        return self.outcome in (Outcome.CRISIS, Outcome.CHECK_IN)


CALM = Assessment(Outcome.CALM)
