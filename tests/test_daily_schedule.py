"""Due times across timezones and DST changes, pause/skip, catch-up planning, and input parsing."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from flows.daily_schedule import (
    choose_prompt,
    is_fixed_offset,
    local_date_of,
    next_due_utc,
    occurrence_utc,
    parse_local_time,
    parse_timezone,
    pause_until_for,
    plan_delivery,
    seen_after,
    timezone_label,
    tomorrow_of,
    zone_for,
)


def utc(text: str) -> datetime:
    """Parse "YYYY-MM-DD HH:MM[:SS]" as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (local time, zone, after (UTC), expected next due (UTC), what the row shows)
NEXT_DUE_CASES = [
    # Plain days, no DST involved.
    ("08:30", "UTC", "2025-06-01 00:00", "2025-06-01 08:30", "later today"),
    ("08:30", "UTC", "2025-06-01 08:30", "2025-06-02 08:30", "exactly at due -> tomorrow"),
    ("23:59", "UTC", "2025-12-31 23:59", "2026-01-01 23:59", "over new year"),
    ("00:00", "UTC", "2025-02-28 00:00", "2025-03-01 00:00", "midnight, end of February"),
    ("08:30", "Asia/Kolkata", "2025-06-01 00:00", "2025-06-01 03:00", "half-hour offset"),
    ("08:30", "Asia/Kolkata", "2025-06-01 03:00", "2025-06-02 03:00", "Kolkata next day"),
    ("01:00", "Asia/Kolkata", "2025-06-01 20:00", "2025-06-02 19:30", "local date ahead"),
    ("08:30", "Europe/Berlin", "2025-01-15 12:00", "2025-01-16 07:30", "Berlin winter"),
    ("08:30", "Europe/Berlin", "2025-07-15 12:00", "2025-07-16 06:30", "Berlin summer"),
    (
        "22:00",
        "America/New_York",
        "2025-07-15 12:00",
        "2025-07-16 02:00",
        "NY evening = UTC tomorrow",
    ),
    # Northern spring forward: the wall time stays, the UTC time moves an hour earlier.
    ("08:30", "Europe/Berlin", "2025-03-29 07:30", "2025-03-30 06:30", "Berlin spring"),
    ("08:30", "America/New_York", "2025-03-08 13:30", "2025-03-09 12:30", "NY spring"),
    # Northern fall back: the UTC time moves an hour later.
    ("08:30", "Europe/Berlin", "2025-10-25 06:30", "2025-10-26 07:30", "Berlin autumn"),
    ("08:30", "America/New_York", "2025-11-01 12:30", "2025-11-02 13:30", "NY autumn"),
    # Southern hemisphere: Sydney leaves DST in April and enters it in October.
    ("08:30", "Australia/Sydney", "2025-04-04 21:30", "2025-04-05 22:30", "Sydney autumn"),
    ("08:30", "Australia/Sydney", "2025-10-03 22:30", "2025-10-04 21:30", "Sydney spring"),
    # Nonexistent wall times move forward by the gap (02:30 -> 03:30 local).
    ("02:30", "Europe/Berlin", "2025-03-29 12:00", "2025-03-30 01:30", "Berlin gap"),
    ("02:30", "America/New_York", "2025-03-08 12:00", "2025-03-09 07:30", "NY gap"),
    ("02:30", "Australia/Sydney", "2025-10-04 00:00", "2025-10-04 16:30", "Sydney gap"),
    # Repeated wall times fire at the first of the two.
    ("02:30", "Europe/Berlin", "2025-10-25 12:00", "2025-10-26 00:30", "Berlin repeat 1st"),
    ("02:30", "Europe/Berlin", "2025-10-26 00:30", "2025-10-27 01:30", "Berlin not twice"),
    ("01:30", "America/New_York", "2025-11-01 12:00", "2025-11-02 05:30", "NY repeat 1st"),
    ("01:30", "America/New_York", "2025-11-02 05:30", "2025-11-03 06:30", "NY not twice"),
    ("02:30", "Australia/Sydney", "2025-04-05 00:00", "2025-04-05 15:30", "Sydney repeat 1st"),
    ("02:30", "Australia/Sydney", "2025-04-05 15:30", "2025-04-06 16:30", "Sydney not twice"),
    # Fixed offsets, in both stored forms.
    ("08:30", "Etc/GMT-2", "2025-03-29 12:00", "2025-03-30 06:30", "UTC+2 ignores DST"),
    ("08:30", "Etc/GMT+5", "2025-06-01 00:00", "2025-06-01 13:30", "UTC-5"),
    ("08:30", "UTC+05:30", "2025-06-01 00:00", "2025-06-01 03:00", "custom +05:30"),
    ("08:30", "UTC-03:30", "2025-06-01 00:00", "2025-06-01 12:00", "custom -03:30"),
]


@pytest.mark.parametrize(
    ("local", "zone", "after", "expected", "case"),
    NEXT_DUE_CASES,
    ids=[row[4] for row in NEXT_DUE_CASES],
)
def test_next_due_utc(local: str, zone: str, after: str, expected: str, case: str) -> None:
    due = next_due_utc(time.fromisoformat(local), zone, utc(after))
    assert due == utc(expected), case
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)


# Every zone through both DST changes of 2025 (and plain weeks for zones without DST).
DAILY_RUNS = [
    ("Europe/Berlin", "2025-03-25"),
    ("Europe/Berlin", "2025-10-21"),
    ("America/New_York", "2025-03-05"),
    ("America/New_York", "2025-10-29"),
    ("Australia/Sydney", "2025-04-01"),
    ("Australia/Sydney", "2025-09-30"),
    ("Asia/Kolkata", "2025-03-25"),
    ("UTC", "2025-10-21"),
]


@pytest.mark.parametrize(("zone", "start"), DAILY_RUNS)
@pytest.mark.parametrize("local", ["08:30", "00:00", "23:59"])
def test_one_prompt_each_local_day_at_the_same_wall_time(
    zone: str, start: str, local: str
) -> None:
    wall = time.fromisoformat(local)
    first_day = date.fromisoformat(start)
    midnight = datetime.combine(first_day, time(0), zone_for(zone)).astimezone(UTC)
    moment = midnight - timedelta(seconds=1)
    seen_days = []
    for _ in range(14):
        moment = next_due_utc(wall, zone, moment)
        local_moment = moment.astimezone(zone_for(zone))
        assert local_moment.time() == wall
        seen_days.append(local_moment.date())
    assert seen_days == [first_day + timedelta(days=offset) for offset in range(14)]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_due_utc(time(8, 30), "UTC", datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date_of(datetime(2025, 1, 1), "UTC")


def test_unknown_zone_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown timezone"):
        zone_for("Mars/Olympus_Mons")


# (zone, UTC instant, local date)
LOCAL_DATE_CASES = [
    ("UTC", "2025-06-01 23:59", "2025-06-01"),
    ("Asia/Kolkata", "2025-06-01 18:30", "2025-06-02"),
    ("America/New_York", "2025-06-02 03:00", "2025-06-01"),
    ("Australia/Sydney", "2025-06-01 14:00", "2025-06-02"),
    ("Europe/Berlin", "2025-10-26 00:30", "2025-10-26"),
    ("UTC+05:30", "2025-06-01 18:30", "2025-06-02"),
]


@pytest.mark.parametrize(("zone", "instant", "expected"), LOCAL_DATE_CASES)
def test_local_date_of(zone: str, instant: str, expected: str) -> None:
    assert local_date_of(utc(instant), zone) == date.fromisoformat(expected)


def test_occurrence_utc_is_one_instant_per_local_day() -> None:
    assert occurrence_utc(date(2025, 10, 26), time(2, 30), "Europe/Berlin") == utc(
        "2025-10-26 00:30"
    )


# (zone, after, paused_until, skip_date, expected)
PAUSE_SKIP_CASES = [
    ("Europe/Berlin", "2025-06-01 12:00", "2025-06-05", None, "2025-06-05 06:30"),
    ("Europe/Berlin", "2025-06-01 12:00", "2025-05-01", None, "2025-06-02 06:30"),
    ("Europe/Berlin", "2025-06-01 12:00", None, "2025-06-02", "2025-06-03 06:30"),
    ("Europe/Berlin", "2025-06-01 05:00", None, "2025-06-01", "2025-06-02 06:30"),
    ("Europe/Berlin", "2025-06-01 12:00", "2025-06-05", "2025-06-05", "2025-06-06 06:30"),
    ("Asia/Kolkata", "2025-06-01 12:00", "2025-06-03", None, "2025-06-03 03:00"),
    ("Australia/Sydney", "2025-04-01 12:00", "2025-04-06", None, "2025-04-05 22:30"),
    ("America/New_York", "2025-03-06 14:00", None, "2025-03-07", "2025-03-08 13:30"),
    ("UTC", "2025-06-01 12:00", "2025-06-03", "2025-06-02", "2025-06-03 08:30"),
]


@pytest.mark.parametrize(("zone", "after", "paused", "skip", "expected"), PAUSE_SKIP_CASES)
def test_pause_and_skip(
    zone: str, after: str, paused: str | None, skip: str | None, expected: str
) -> None:
    due = next_due_utc(
        time(8, 30),
        zone,
        utc(after),
        paused_until=date.fromisoformat(paused) if paused else None,
        skip_date=date.fromisoformat(skip) if skip else None,
    )
    assert due == utc(expected)


def test_pause_for_n_days_covers_rest_of_today_and_n_days() -> None:
    # Monday in Sydney (still Sunday in UTC): a 3-day pause leaves Tue-Thu quiet, back Friday.
    now = utc("2025-06-01 23:00")
    assert local_date_of(now, "Australia/Sydney") == date(2025, 6, 2)
    assert pause_until_for(now, "Australia/Sydney", 3) == date(2025, 6, 6)
    assert tomorrow_of(now, "Australia/Sydney") == date(2025, 6, 3)
    with pytest.raises(ValueError):
        pause_until_for(now, "UTC", 0)


# (zone, stored due, now, skip_date, send for local date or None, next due)
PLAN_CASES = [
    # On time: send for today, next is tomorrow.
    (
        "Europe/Berlin",
        "2025-06-02 06:30",
        "2025-06-02 06:30:20",
        None,
        "2025-06-02",
        "2025-06-03 06:30",
    ),
    # Down at 08:30, back at 16:00 the same local day: still sent.
    (
        "Europe/Berlin",
        "2025-06-02 06:30",
        "2025-06-02 14:00",
        None,
        "2025-06-02",
        "2025-06-03 06:30",
    ),
    # Down since yesterday's due, back before today's: yesterday's is dropped, today's waits.
    ("Europe/Berlin", "2025-06-01 06:30", "2025-06-02 05:00", None, None, "2025-06-02 06:30"),
    # Down since yesterday's due, back after today's: today's (due while down) is sent once.
    (
        "Europe/Berlin",
        "2025-06-01 06:30",
        "2025-06-02 09:00",
        None,
        "2025-06-02",
        "2025-06-03 06:30",
    ),
    # Late-evening prompt, back just after local midnight: that day is over, nothing sent.
    ("America/New_York", "2025-06-02 03:30", "2025-06-02 04:10", None, None, "2025-06-03 03:30"),
    # Today skipped: nothing to send, next is tomorrow.
    (
        "Asia/Kolkata",
        "2025-06-01 03:00",
        "2025-06-02 05:00",
        "2025-06-02",
        None,
        "2025-06-03 03:00",
    ),
    # Down across the Berlin spring change, back the same morning.
    (
        "Europe/Berlin",
        "2025-03-29 07:30",
        "2025-03-30 10:00",
        None,
        "2025-03-30",
        "2025-03-31 06:30",
    ),
    # Sydney, down across its April change.
    (
        "Australia/Sydney",
        "2025-04-04 21:30",
        "2025-04-06 01:00",
        None,
        "2025-04-06",
        "2025-04-06 22:30",
    ),
    # UTC, picked up by a tick a minute after the due time.
    ("UTC", "2025-06-03 08:30", "2025-06-03 08:31", None, "2025-06-03", "2025-06-04 08:30"),
]


@pytest.mark.parametrize(("zone", "stored", "now", "skip", "send_for", "next_due"), PLAN_CASES)
def test_plan_delivery(
    zone: str, stored: str, now: str, skip: str | None, send_for: str | None, next_due: str
) -> None:
    plan = plan_delivery(
        utc(stored),
        utc(now),
        time(8, 30) if zone != "America/New_York" else time(23, 30),
        zone,
        skip_date=date.fromisoformat(skip) if skip else None,
    )
    assert plan.send_for == (date.fromisoformat(send_for) if send_for else None)
    assert plan.next_due_utc == utc(next_due)
    assert plan.next_due_utc > utc(now)


def test_plan_never_sends_before_the_stored_due() -> None:
    # The person turned prompts on at 10:00 for 08:30: the first comes tomorrow, not now.
    plan = plan_delivery(utc("2025-06-03 08:30"), utc("2025-06-02 10:00"), time(8, 30), "UTC")
    assert plan.send_for is None
    assert plan.next_due_utc == utc("2025-06-02 08:30") + timedelta(days=1)


TIME_CASES = [
    ("8:30", time(8, 30)),
    ("08:30", time(8, 30)),
    ("8.30", time(8, 30)),
    ("8pm", time(20, 0)),
    ("8 PM", time(20, 0)),
    ("8:15 p.m.", time(20, 15)),
    ("7am", time(7, 0)),
    ("12am", time(0, 0)),
    ("12pm", time(12, 0)),
    ("12:30am", time(0, 30)),
    ("21:15", time(21, 15)),
    ("0830", time(8, 30)),
    ("20h30", time(20, 30)),
    ("20h", time(20, 0)),
    ("7", time(7, 0)),
    (" 23:59 ", time(23, 59)),
    ("0:00", time(0, 0)),
    ("noon", time(12, 0)),
    ("Midnight", time(0, 0)),
    ("24:00", None),
    ("25", None),
    ("8:60", None),
    ("13pm", None),
    ("0am", None),
    ("8:3", None),
    ("830", None),
    ("tomorrow", None),
    ("", None),
    ("8:30:15", None),
    ("-8", None),
]


@pytest.mark.parametrize(("text", "expected"), TIME_CASES)
def test_parse_local_time(text: str, expected: time | None) -> None:
    assert parse_local_time(text) == expected


ZONE_CASES = [
    ("Europe/Berlin", "Europe/Berlin"),
    ("europe/berlin", "Europe/Berlin"),
    ("berlin", "Europe/Berlin"),
    ("Berlin, Germany", "Europe/Berlin"),
    ("Munich", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("new_york", "America/New_York"),
    ("America/New York", "America/New_York"),
    ("Kolkata", "Asia/Kolkata"),
    ("Mumbai", "Asia/Kolkata"),
    ("sydney", "Australia/Sydney"),
    ("São Paulo", "America/Sao_Paulo"),
    ("Zürich", "Europe/Zurich"),
    ("San Francisco", "America/Los_Angeles"),
    ("UTC", "UTC"),
    ("gmt", "UTC"),
    ("+0", "UTC"),
    ("+2", "Etc/GMT-2"),
    ("-5", "Etc/GMT+5"),
    ("UTC-5", "Etc/GMT+5"),
    ("utc +3", "Etc/GMT-3"),
    ("GMT+5:30", "UTC+05:30"),
    ("+05:30", "UTC+05:30"),
    ("+0545", "UTC+05:45"),
    ("UTC-3:30", "UTC-03:30"),
    ("+14", "Etc/GMT-14"),
    ("-12", "Etc/GMT+12"),
    ("+15", None),
    ("-13", None),
    ("+5:20", None),
    ("5", None),
    ("Atlantis", None),
    ("eastern", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), ZONE_CASES)
def test_parse_timezone(text: str, expected: str | None) -> None:
    zone = parse_timezone(text)
    assert zone == expected
    if zone is not None:
        # Every name we hand out can be used for scheduling.
        assert next_due_utc(time(8, 30), zone, utc("2025-06-01 00:00")) > utc("2025-06-01 00:00")


@pytest.mark.parametrize(
    ("zone", "label", "fixed"),
    [
        ("Etc/GMT-2", "UTC+2", True),
        ("Etc/GMT+5", "UTC-5", True),
        ("UTC", "UTC", True),
        ("UTC+05:30", "UTC+05:30", True),
        ("Europe/Berlin", "Europe/Berlin", False),
    ],
)
def test_timezone_label_and_fixedness(zone: str, label: str, fixed: bool) -> None:
    assert timezone_label(zone) == label
    assert is_fixed_offset(zone) is fixed


@dataclass(frozen=True)
class Prompt:
    """A stand-in prompt for choice tests."""

    id: str
    theme: str


THEMES = ["boundaries", "self-worth", "communication", "balance", "pattern"]
POOL = [Prompt(f"{theme}-{number}", theme) for theme in THEMES for number in range(12)]


@pytest.mark.parametrize("weakest", [None, "balance"])
def test_no_repeat_until_the_pool_is_seen(weakest: str | None) -> None:
    rng = random.Random(7)
    seen: set[str] = set()
    shown = []
    for _ in range(len(POOL) * 2):
        prompt = choose_prompt(POOL, seen, weakest_theme=weakest, rng=rng)
        shown.append(prompt.id)
        seen = seen_after(POOL, seen, prompt.id)
    assert sorted(shown[: len(POOL)]) == sorted(p.id for p in POOL)
    assert sorted(shown[len(POOL) :]) == sorted(p.id for p in POOL)


def test_choice_leans_toward_the_weakest_theme() -> None:
    rng = random.Random(11)
    counts = Counter(choose_prompt(POOL, set(), "pattern", rng).theme for _ in range(3000))
    assert counts["pattern"] > max(counts[theme] for theme in THEMES if theme != "pattern")
    # A lean, not a lock: every other theme still comes up.
    assert all(counts[theme] > 0 for theme in THEMES)


def test_weakest_theme_fully_seen_falls_back_to_other_unseen() -> None:
    seen = {p.id for p in POOL if p.theme == "pattern"}
    chosen = choose_prompt(POOL, seen, "pattern", random.Random(3))
    assert chosen.theme != "pattern"


def test_stale_seen_ids_are_ignored_and_empty_pool_refused() -> None:
    assert seen_after(POOL, {"gone-prompt"}, POOL[0].id) == {POOL[0].id}
    with pytest.raises(ValueError):
        choose_prompt([], set())
