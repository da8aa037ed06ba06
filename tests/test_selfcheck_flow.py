"""The self-check and /progress through the whole service, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import insert

from bot.app import Runtime, build_runtime
from bot.progress_chart import render_chart
from bot.storage.models import Entry
from content import Content
from flows.daily import ENTRY_KIND as DAILY_KIND
from flows.practice import ENTRY_KIND as PRACTICE_KIND
from flows.progress import ProgressChart, active_weeks, short_date
from flows.selfcheck import selfcheck_content
from flows.turn import Turn
from tests.conftest import make_settings
from tests.support.chat import ChatDriver

TOTAL = 20
Answer = Callable[[int], int]


def _scale_payload(chat: ChatDriver, value: int) -> str:
    """The payload of scale button `value` (1..5) on the statement shown last."""
    scale = [b for b in chat.buttons if ":answer:" in b.payload]
    assert len(scale) == 5
    return scale[value - 1].payload


def _answer(chat: ChatDriver, value: int) -> None:
    chat.press_payload(_scale_payload(chat, value))


def _take(chat: ChatDriver, choose: Answer) -> None:
    """Take a whole self-check from the menu, answering statement i with choose(i)."""
    chat.command("selfcheck")
    chat.press("Let's begin")
    for index in range(TOTAL):
        assert f"{index + 1} of {TOTAL}" in chat.text
        _answer(chat, choose(index))


def _stored(runtime: Runtime) -> list[dict]:
    """The data of every stored self-check, oldest first."""
    with runtime.database.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT data FROM entries WHERE kind = 'selfcheck' ORDER BY id"
        ).all()
    return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


def test_whole_self_check_gives_a_result_per_dimension(
    chat: ChatDriver, runtime: Runtime, content: Content
) -> None:
    chat.onboard()
    chat.command("menu")
    chat.press("Self-check")
    assert "not a diagnosis" in chat.text
    chat.press("Let's begin")
    assert "1 of 20" in chat.text
    # No Back on the first statement: there is nothing before it.
    assert chat.labels()[5:] == ["Pause", "Stop"]
    selfcheck = selfcheck_content(content)
    # Lean interdependent everywhere: agree with plain items, disagree with reverse ones.
    for item in selfcheck.items:
        _answer(chat, 1 if item.reverse else 5)
    texts = [reply.text for reply in chat.replies]
    assert "not a diagnosis" in texts[0]
    for dimension in selfcheck.dimensions:
        assert any(t.startswith(f"{dimension.title}: 100 of 100") for t in texts)
        assert any(dimension.high in t and dimension.suggestion in t for t in texts)
    payloads = [b.payload for reply in chat.replies for row in reply.buttons for b in row]
    for dimension in selfcheck.dimensions:
        assert f"go:reflect:{dimension.reflect_theme}" in payloads
    (result,) = _stored(runtime)
    assert result["scores"] == {d.id: 100 for d in selfcheck.dimensions}
    assert len(result["answers"]) == TOTAL
    # The result is in the journal too, without any of the person's words.
    chat.command("journal")
    assert "Self-check" in chat.text
    assert "Emotional boundaries: 100" in chat.text


def test_suggestion_button_starts_the_matching_reflection_theme(chat: ChatDriver) -> None:
    chat.onboard()
    _take(chat, lambda i: 3)
    chat.press("Reflect: Self-worth")
    assert "Self-worth." in chat.text
    assert "Question 1 of 3" in chat.text


def test_back_shows_the_previous_statement_with_its_answer_and_lets_it_change(
    chat: ChatDriver, runtime: Runtime
) -> None:
    chat.onboard()
    chat.command("selfcheck")
    chat.press("Let's begin")
    first_statement = chat.text
    _answer(chat, 4)
    _answer(chat, 2)
    assert "3 of 20" in chat.text
    chat.press("Back")
    assert "2 of 20" in chat.text
    assert "✓ A little like me" in chat.labels()
    chat.press("Back")
    assert chat.text == first_statement
    assert "✓ Mostly like me" in chat.labels()
    _answer(chat, 1)  # changed my mind
    assert "2 of 20" in chat.text
    for _ in range(TOTAL - 1):
        _answer(chat, 3)
    (result,) = _stored(runtime)
    assert result["answers"]["boundaries-1"] == 1
    assert len(result["answers"]) == TOTAL


def test_pause_then_resume_after_a_restart(database_url: str, content: Content) -> None:
    first = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    chat = ChatDriver(first.service, user_id=501)
    chat.onboard()
    chat.command("selfcheck")
    chat.press("Let's begin")
    for value in (5, 4, 3):
        _answer(chat, value)
    chat.press("Pause")
    assert "Paused at statement 4 of 20" in chat.text
    assert "Self-check" in chat.labels()  # back at the menu
    first.database.dispose()

    second = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    again = ChatDriver(second.service, user_id=501, now=chat.now)
    again.command("selfcheck")
    assert "answered 3 of 20" in again.text
    again.press("Carry on")
    assert "4 of 20" in again.text
    again.press("Back")
    assert "3 of 20" in again.text
    assert "✓ Somewhat like me" in again.labels()
    for _ in range(TOTAL - 2):
        _answer(again, 3)
    assert "not a diagnosis" in again.text
    (result,) = _stored(second)
    assert [result["answers"][i] for i in ("boundaries-1", "self-worth-1")] == [5, 4]
    second.database.dispose()


def test_restart_mid_statement_keeps_the_same_buttons_working(
    database_url: str, content: Content
) -> None:
    first = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    chat = ChatDriver(first.service, user_id=502)
    chat.onboard()
    chat.command("selfcheck")
    chat.press("Let's begin")
    _answer(chat, 2)
    shown = _scale_payload(chat, 5)
    first.database.dispose()

    second = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    again = ChatDriver(second.service, user_id=502, now=chat.now)
    again.press_payload(shown)  # the button from before the restart
    assert "3 of 20" in again.text
    second.database.dispose()


def test_start_fresh_forgets_the_paused_answers(chat: ChatDriver, runtime: Runtime) -> None:
    chat.onboard()
    chat.command("selfcheck")
    chat.press("Let's begin")
    _answer(chat, 5)
    chat.press("Pause")
    chat.command("selfcheck")
    chat.press("Start fresh")
    assert "1 of 20" in chat.text
    assert not any(label.startswith("✓") for label in chat.labels())


def test_stop_throws_this_round_away(chat: ChatDriver, runtime: Runtime) -> None:
    chat.onboard()
    chat.command("selfcheck")
    chat.press("Let's begin")
    _answer(chat, 5)
    _answer(chat, 5)
    chat.press("Stop")
    assert "not kept" in chat.text
    assert "Self-check" in chat.labels()
    chat.command("selfcheck")
    assert "20 short statements" in chat.text  # a fresh offer, no resume
    assert _stored(runtime) == []


def test_stop_command_and_leaving_keep_the_answers(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("selfcheck")
    chat.press("Let's begin")
    _answer(chat, 5)
    chat.command("stop")
    assert "Paused at statement 2 of 20" in chat.text
    chat.command("selfcheck")
    chat.press("Carry on")
    _answer(chat, 4)
    chat.command("menu")  # wandering off mid-way is a pause too
    chat.command("selfcheck")
    assert "answered 2 of 20" in chat.text
    chat.press("Not now")
    assert "whenever you want" in chat.text


def test_typed_numbers_answer_and_other_text_gets_a_pointer(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("selfcheck")
    chat.press("Let's begin")
    chat.send("4")
    assert "2 of 20" in chat.text
    chat.send("hmm, hard to say")
    assert "type a number from 1" in chat.text
    assert "2 of 20" in chat.text
    chat.send("9")
    assert "2 of 20" in chat.text
    chat.sticker()
    assert "2 of 20" in chat.text


def test_old_scale_buttons_are_stale_after_moving_on(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("selfcheck")
    chat.press("Let's begin")
    old = _scale_payload(chat, 3)
    chat.press_payload(old)
    assert "2 of 20" in chat.text
    chat.press_payload(old)  # a double tap does not answer statement 2
    assert "already done" in chat.text
    _answer(chat, 3)
    assert "3 of 20" in chat.text


def test_progress_with_nothing_yet_invites_gently(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("progress")
    assert "no self-check results here yet" in chat.text
    assert "Take the self-check" in chat.labels()
    assert all(reply.chart is None for reply in chat.replies)


def test_progress_after_one_result_sends_it_as_a_chart(chat: ChatDriver) -> None:
    chat.onboard()
    _take(chat, lambda i: 3)
    chat.press("My progress")
    summary, picture, _activity = chat.replies
    assert "Your latest self-check" in summary.text
    assert "first self-check" in summary.text
    assert isinstance(picture.chart, ProgressChart)
    assert len(picture.chart.points) == 1
    png = render_chart(picture.chart)
    assert png.startswith(b"\x89PNG")


def test_progress_over_weeks_shows_changes_chart_and_activity(chat: ChatDriver) -> None:
    chat.onboard()
    _take(chat, lambda i: 3)  # every dimension in the middle
    # Two reflections in a later week, and the next self-checks leaning interdependent.
    chat.now += timedelta(days=9)
    chat.command("reflect", "boundaries")
    chat.send("I noticed I took on my sister's worry")
    chat.send("I felt tired")
    chat.command("stop")
    content = selfcheck_content(chat.service.engine.content)
    reverse = {index for index, item in enumerate(content.items) if item.reverse}
    chat.now += timedelta(days=5)
    _take(chat, lambda i: 2 if i in reverse else 4)
    chat.now += timedelta(days=14)
    _take(chat, lambda i: 1 if i in reverse else 5)
    chat.command("progress")
    summary, picture, activity = chat.replies
    assert "Emotional boundaries: 100" in summary.text
    assert "Since your first self-check" in summary.text
    assert "Emotional boundaries: up 50" in summary.text
    assert "Since the one before" in summary.text
    assert "Emotional boundaries: up 25" in summary.text
    assert "not a diagnosis" in summary.text
    assert isinstance(picture.chart, ProgressChart)
    assert [p.scores["boundaries"] for p in picture.chart.points] == [50, 75, 100]
    image = Image.open(io.BytesIO(render_chart(picture.chart)))
    assert image.size[0] == 1080
    assert "2 answers to reflective questions" in activity.text
    assert "week of" in activity.text
    for unkind in ("streak", "missed", "in a row"):
        assert unkind not in (summary.text + picture.text + activity.text).lower()


def test_progress_counts_weeks_in_local_time(chat: ChatDriver, runtime: Runtime) -> None:
    chat.onboard()
    with runtime.database.begin() as connection:
        connection.exec_driver_sql("UPDATE users SET timezone = 'Pacific/Auckland'")
    # Sunday evenings in UTC are Monday mornings in Auckland: the weeks are Auckland's.
    sunday_evening = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    for weeks in (0, 1, 2):
        chat.now = sunday_evening + timedelta(weeks=weeks)
        chat.command("reflect", "balance")
        chat.send("an answer")
        chat.command("stop")
    chat.command("progress")
    activity = chat.replies[-1].text
    assert "3 answers to reflective questions" in activity
    assert "3 different weeks: the weeks of 2 Mar, 9 Mar and 16 Mar." in activity
    assert "it counts" in activity


def test_progress_counts_scenes_practised_and_daily_answers(
    chat: ChatDriver, runtime: Runtime
) -> None:
    """Each practice reply is one scene practised (not a session); daily answers count too."""
    chat.onboard()
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    kinds = [PRACTICE_KIND, PRACTICE_KIND, PRACTICE_KIND, DAILY_KIND, DAILY_KIND]
    with runtime.database.begin() as connection:
        connection.execute(
            insert(Entry),
            [
                {"user_id": chat.user_id, "kind": kind, "created_at": monday + timedelta(hours=i)}
                for i, kind in enumerate(kinds)
            ],
        )
    chat.now = monday + timedelta(days=2)
    chat.command("progress")
    activity = chat.replies[-1].text
    assert "3 scenes practised" in activity
    assert "2 answers to daily questions" in activity
    assert "session" not in activity
    assert "week of 2 Mar" in activity
    for unkind in ("streak", "missed", "in a row"):
        assert unkind not in activity.lower()


@pytest.mark.parametrize("value", [1, 5])
def test_uniform_answers_land_where_the_directions_say(chat: ChatDriver, value: int) -> None:
    """Pressing the same button throughout is scored by direction, not as an extreme."""
    chat.onboard()
    _take(chat, lambda i: value)
    scores = [int(m) for m in re.findall(r": (\d+) of 100", chat.text)]
    assert len(scores) == 4
    assert all(0 < score < 100 for score in scores)


def test_active_weeks_are_local_mondays() -> None:
    """Moments become the Monday of their local week, each week once, oldest first."""
    auckland = ZoneInfo("Pacific/Auckland")
    moments = [
        datetime(2026, 3, 8, 20, 0, tzinfo=UTC),  # Monday 9 Mar in Auckland
        datetime(2026, 3, 1, 9, 0, tzinfo=UTC),  # Sunday 1 Mar 22:00 in Auckland
        datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
    ]
    assert active_weeks(moments, auckland) == [date(2026, 2, 23), date(2026, 3, 9)]
    assert active_weeks([], auckland) == []


@pytest.mark.parametrize(
    ("day", "text"), [(date(2026, 3, 2), "2 Mar"), (date(2025, 12, 29), "29 Dec 2025")]
)
def test_short_dates_name_the_year_only_when_needed(content, day: date, text: str) -> None:
    assert short_date(content, day, today=date(2026, 3, 20)) == text


def test_practice_buttons_appear_once_practice_exists(runtime: Runtime) -> None:
    """Each dimension's practice button starts practice on that dimension."""
    started: list[str] = []

    def practice(turn: Turn, args: str) -> None:
        started.append(args)
        turn.reply("practice starts here")

    runtime.engine.add_command("practice", practice)
    chat = ChatDriver(runtime.service, user_id=503)
    chat.onboard()
    _take(chat, lambda i: 3)
    payloads = [b.payload for reply in chat.replies for row in reply.buttons for b in row]
    for dimension in ("boundaries", "self-worth", "communication", "balance"):
        assert f"go:practice:{dimension}" in payloads
    chat.press("Practise: Communication")
    assert started == ["communication"]
