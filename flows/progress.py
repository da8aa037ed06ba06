"""/progress: the latest self-check, how it moved, a chart, and the time given to practice.

The chart is asked for as plain data (`ProgressChart`); the adapter draws it, so flows never
import a plot library. Activity is told as encouragement: how much, and in which weeks. There is
no streak and nothing about days without activity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from content import Content
from flows.daily_schedule import zone_for
from flows.dates import format_date
from flows.engine import Engine
from flows.free_text import WINS_PREF
from flows.home import back_buttons
from flows.ports import EntryRecord
from flows.selfcheck import ENTRY_KIND, selfcheck_content
from flows.selfcheck_scoring import change_direction, compare_results
from flows.turn import Turn

# One entry per answered reflective question.
REFLECTION_KINDS = ("reflection",)
# One entry per reply to a practice scene (a session may hold several scenes, so these are
# counted and told as scenes practised, not as sessions).
PRACTICE_KINDS = ("practice",)
# One entry per answered daily question.
DAILY_KINDS = ("daily",)
# One entry per real conversation prepared (/prepare), and one per talk looked back on.
PREPARED_KINDS = ("prepare",)
DEBRIEFED_KINDS = ("prepare_debriefed",)
# The chart stays readable up to about a year of fortnightly results; older ones still count
# for "since your first".
MAX_CHART_POINTS = 40
# Past this many weeks the list would be longer than the encouragement: name the latest ones.
MAX_WEEKS_LISTED = 6


@dataclass(frozen=True)
class ProgressPoint:
    """One completed self-check: when it was taken and its 0..100 score per dimension id."""

    taken_at: datetime
    scores: Mapping[str, int | None]


@dataclass(frozen=True)
class ChartLabels:
    """Every text drawn on the chart, taken from content; dimensions in display order."""

    title: str
    axis_low: str
    axis_high: str
    dimension_titles: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ProgressChart:
    """A request for a progress picture: the results (oldest first) and its labels."""

    points: tuple[ProgressPoint, ...]
    labels: ChartLabels


def local_zone(name: str) -> tzinfo:
    """The person's time zone (IANA name or fixed offset), or UTC if the name is unknown."""
    try:
        return zone_for(name)
    except ValueError:
        return UTC


def active_weeks(moments: Iterable[datetime], zone: tzinfo) -> list[date]:
    """The Mondays of the local weeks in which something happened, oldest first."""
    weeks = set()
    for moment in moments:
        local = moment.astimezone(zone).date()
        weeks.add(local - timedelta(days=local.weekday()))
    return sorted(weeks)


def short_date(content: Content, day: date, today: date) -> str:
    """'3 Mar', with the year only when it is not this year."""
    return format_date(content, day, "short" if day.year == today.year else "medium")


def result_points(entries: Sequence[EntryRecord], zone: tzinfo) -> list[ProgressPoint]:
    """Self-check entries (any order) as chart points in local time, oldest first."""
    points = [
        ProgressPoint(
            taken_at=entry.created_at.astimezone(zone),
            scores={k: _score(v) for k, v in dict((entry.data or {}).get("scores", {})).items()},
        )
        for entry in entries
    ]
    return sorted(points, key=lambda point: point.taken_at)


def _score(value: Any) -> int | None:
    return None if value is None else int(value)


def _history(turn: Turn) -> tuple[list[ProgressPoint], ProgressPoint | None]:
    """Recent results for the chart (oldest first) and the very first result."""
    zone = local_zone(turn.user.timezone)
    user_id = turn.user.user_id
    recent = turn.store.list_entries(user_id, kinds=[ENTRY_KIND], limit=MAX_CHART_POINTS)
    points = result_points(recent, zone)
    if not points:
        return [], None
    total = turn.store.count_entries(user_id, kinds=[ENTRY_KIND])
    first = points[0]
    if total > len(recent):
        oldest = turn.store.list_entries(user_id, kinds=[ENTRY_KIND], offset=total - 1, limit=1)
        first = result_points(oldest, zone)[0]
    return points, first


def _summary(turn: Turn, points: list[ProgressPoint], first: ProgressPoint) -> str:
    """Latest scores, then the change since the first and the previous result."""
    selfcheck = selfcheck_content(turn.content)
    today = turn.now.astimezone(local_zone(turn.user.timezone)).date()
    latest = points[-1]
    lines = [
        turn.say(
            "progress.latest_title", date=short_date(turn.content, latest.taken_at.date(), today)
        )
    ]
    for dimension in selfcheck.dimensions:
        score = latest.scores.get(dimension.id)
        if score is None:
            lines.append(turn.say("progress.score_line_missing", title=dimension.title))
        else:
            lines.append(turn.say("progress.score_line", title=dimension.title, score=score))
    if len(points) < 2:
        return "\n".join([*lines, "", turn.say("progress.first_result_note")])
    ids = [d.id for d in selfcheck.dimensions]
    history = [p.scores for p in points]
    if first is not points[0]:  # the first result is older than the charted ones
        history.insert(0, first.scores)
    changes = {c.dimension: c for c in compare_results(history, ids)}
    sections = [("progress.since_first_title", first, "since_first")]
    previous = points[-2]
    if previous is not first:  # with two results, "since the first" already says it all
        sections.append(("progress.since_previous_title", previous, "since_previous"))
    for title_key, earlier, field in sections:
        lines += [
            "",
            turn.say(title_key, date=short_date(turn.content, earlier.taken_at.date(), today)),
        ]
        for dimension in selfcheck.dimensions:
            delta = getattr(changes[dimension.id], field)
            lines.append(_change_line(turn, dimension.title, delta))
    return "\n".join([*lines, "", turn.say("progress.change_note")])


def _change_line(turn: Turn, title: str, delta: int | None) -> str:
    """One dimension's change in words."""
    if delta is None:
        return turn.say("progress.change_unknown", title=title)
    direction = change_direction(delta, selfcheck_content(turn.content).scoring)
    if direction == "up":
        return turn.say("progress.change_up", title=title, delta=delta)
    if direction == "down":
        return turn.say("progress.change_down", title=title, delta=-delta)
    return turn.say("progress.change_same", title=title)


def _chart(turn: Turn, points: list[ProgressPoint]) -> ProgressChart:
    """The chart request with its labels from content."""
    selfcheck = selfcheck_content(turn.content)
    today = turn.now.astimezone(local_zone(turn.user.timezone)).date()
    if len(points) == 1:
        title = turn.say(
            "progress.chart_title_single",
            date=short_date(turn.content, points[0].taken_at.date(), today),
        )
    else:
        title = turn.say("progress.chart_title")
    labels = ChartLabels(
        title=title,
        axis_low=turn.say("progress.axis_low"),
        axis_high=turn.say("progress.axis_high"),
        dimension_titles=tuple((d.id, d.title) for d in selfcheck.dimensions),
    )
    return ProgressChart(points=tuple(points), labels=labels)


def _activity(turn: Turn) -> str:
    """How many reflective and daily answers, practice scenes and wins told, and in which
    weeks, as encouragement."""
    user_id = turn.user.user_id
    moments = turn.store.entry_times(
        user_id,
        kinds=[
            *REFLECTION_KINDS,
            *PRACTICE_KINDS,
            *DAILY_KINDS,
            *PREPARED_KINDS,
            *DEBRIEFED_KINDS,
        ],
    )
    wins = int(turn.user.prefs.get(WINS_PREF, 0))
    wins_line = (
        turn.say("progress.wins_one" if wins == 1 else "progress.wins_other", count=wins)
        if wins
        else None
    )
    if not moments:
        none = turn.say("progress.activity_none")
        return (
            f"{turn.say('progress.activity_summary')}\n- {wins_line}\n\n{none}"
            if wins_line
            else none
        )
    reflections = sum(1 for kind, _ in moments if kind in REFLECTION_KINDS)
    practices = sum(1 for kind, _ in moments if kind in PRACTICE_KINDS)
    dailies = sum(1 for kind, _ in moments if kind in DAILY_KINDS)
    prepared = sum(1 for kind, _ in moments if kind in PREPARED_KINDS)
    debriefed = sum(1 for kind, _ in moments if kind in DEBRIEFED_KINDS)
    things = []
    if reflections:
        things.append(
            turn.say(
                "progress.reflections_one" if reflections == 1 else "progress.reflections_other",
                count=reflections,
            )
        )
    if dailies:
        things.append(
            turn.say(
                "progress.daily_one" if dailies == 1 else "progress.daily_other",
                count=dailies,
            )
        )
    if practices:
        things.append(
            turn.say(
                "progress.practices_one" if practices == 1 else "progress.practices_other",
                count=practices,
            )
        )
    if prepared:
        things.append(
            turn.say(
                "prepare.progress_one" if prepared == 1 else "prepare.progress_other",
                count=prepared,
            )
        )
    if debriefed:
        things.append(
            turn.say(
                "prepare.progress_debriefed_one"
                if debriefed == 1
                else "prepare.progress_debriefed_other",
                count=debriefed,
            )
        )
    if wins_line:
        things.append(wins_line)
    joiner = f" {turn.say('progress.list_and')} "  # content texts are stripped of spaces
    zone = local_zone(turn.user.timezone)
    today = turn.now.astimezone(zone).date()
    weeks = active_weeks((moment for _, moment in moments), zone)
    listed = [short_date(turn.content, week, today) for week in weeks[-MAX_WEEKS_LISTED:]]
    named = ", ".join(listed[:-1]) + joiner + listed[-1] if len(listed) > 1 else listed[0]
    if len(weeks) == 1:
        when = turn.say("progress.activity_weeks_one", weeks=named)
    elif len(weeks) <= MAX_WEEKS_LISTED:
        when = turn.say("progress.activity_weeks_other", count=len(weeks), weeks=named)
    else:
        when = turn.say("progress.activity_weeks_recent", count=len(weeks), weeks=named)
    summary = "\n".join([turn.say("progress.activity_summary"), *(f"- {t}" for t in things)])
    return "\n\n".join([summary, f"{when} {turn.say('progress.activity_encouragement')}"])


def show_progress(turn: Turn) -> None:
    """Send the progress view. The conversation's state is left as it was."""
    points, first = _history(turn)
    activity = _activity(turn)
    if first is None:
        empty = "progress.empty" if turn.keeps_words else "progress.empty_not_kept"
        turn.reply(
            "\n\n".join([turn.say(empty), activity]),
            [[turn.link("progress.take_selfcheck", "go:selfcheck")], *back_buttons(turn)],
        )
        return
    turn.reply(_summary(turn, points, first))
    caption = "progress.chart_caption_single" if len(points) == 1 else "progress.chart_caption"
    turn.reply(turn.say(caption), chart=_chart(turn, points))
    rows = [[turn.link("progress.take_again", "go:selfcheck")]]
    if not turn.store.count_entries(turn.user.user_id, kinds=REFLECTION_KINDS):
        rows.append([turn.link("menu.reflect", "go:reflect")])
    turn.reply(activity, [*rows, *back_buttons(turn)])


def cmd_progress(turn: Turn, args: str) -> None:
    """/progress: results over time and the time given to reflection and practice."""
    show_progress(turn)


def register(engine: Engine) -> None:
    """Add the progress view."""
    engine.add_command("progress", cmd_progress, "commands.progress", order=45)
    engine.add_menu_item("menu.progress", "go:progress", order=45)
