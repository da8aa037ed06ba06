"""The two-lane send budget, on a virtual clock: prompts are paced, replies never wait."""

from __future__ import annotations

import asyncio
from itertools import pairwise
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.rate_limit import BULK, ConversationFirstRateLimiter, SendBudget

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class VirtualTime:
    """A clock that moves only when someone sleeps (sleeps are counted)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps = 0

    def clock(self) -> float:
        """Seconds since the start."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the clock instead of waiting."""
        self.sleeps += 1
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def budget_on(virtual: VirtualTime, rate: float, burst: float | None = None) -> SendBudget:
    """A budget on the virtual clock."""
    return SendBudget(rate, burst=burst, clock=virtual.clock, sleep=virtual.sleep)


async def test_bulk_messages_go_out_at_the_configured_rate() -> None:
    virtual = VirtualTime()
    budget = budget_on(virtual, rate=10, burst=1)
    times = []
    for chat_id in range(21):
        await budget.acquire_bulk(chat_id)
        times.append(virtual.now)
    assert times[0] == 0.0
    assert times[-1] == pytest.approx(2.0)  # 20 more messages at 10 a second
    assert all(b - a == pytest.approx(0.1) for a, b in pairwise(times))


async def test_one_chat_gets_at_most_one_bulk_message_a_second() -> None:
    virtual = VirtualTime()
    budget = budget_on(virtual, rate=100)
    await budget.acquire_bulk(7)
    await budget.acquire_bulk(7)
    assert virtual.now == pytest.approx(1.0)


async def test_a_reply_to_a_chat_delays_a_prompt_to_that_chat_by_a_second() -> None:
    virtual = VirtualTime()
    budget = budget_on(virtual, rate=100)
    budget.spend_for_conversation(5)
    await budget.acquire_bulk(6)  # another chat: no wait
    assert virtual.now == 0.0
    await budget.acquire_bulk(5)
    assert virtual.now == pytest.approx(1.0)


async def test_replies_spend_from_the_budget_so_prompts_leave_them_room() -> None:
    virtual = VirtualTime()
    budget = budget_on(virtual, rate=10, burst=10)
    for chat_id in range(10):
        budget.spend_for_conversation(chat_id)  # ten replies: never wait
    assert virtual.sleeps == 0
    await budget.acquire_bulk(99)
    assert virtual.now == pytest.approx(0.1)  # the bulk lane waited for a fresh token


async def test_a_429_pauses_the_bulk_lane_only() -> None:
    virtual = VirtualTime()
    budget = budget_on(virtual, rate=100)
    budget.pause_bulk(3)
    assert budget.bulk_paused_for == pytest.approx(3.0)
    budget.spend_for_conversation(1)  # replies go on during the pause
    assert virtual.now == 0.0
    await budget.acquire_bulk(2)
    assert virtual.now == pytest.approx(3.0)


async def test_a_reply_does_not_queue_behind_a_wave_of_prompts() -> None:
    virtual = VirtualTime()
    limiter = ConversationFirstRateLimiter(budget_on(virtual, rate=1, burst=1))
    done: list[str] = []

    async def call(name: str) -> dict[str, Any]:
        done.append(name)
        return {}

    wave = [
        asyncio.create_task(
            limiter.process_request(call, ("prompt",), {}, "sendMessage", {"chat_id": i}, BULK)
        )
        for i in range(100)
    ]
    for _ in range(5):
        await asyncio.sleep(0)  # the wave is now waiting for the budget
    sleeps_before = virtual.sleeps
    await limiter.process_request(call, ("reply",), {}, "sendMessage", {"chat_id": 5000}, None)
    assert "reply" in done and done.count("prompt") < 10
    assert virtual.sleeps == sleeps_before  # the reply itself never waited
    await asyncio.gather(*wave)
    assert done.count("prompt") == 100


@pytest.mark.parametrize(("retry_after", "retried"), [(2, True), (60, False)])
async def test_a_reply_hitting_429_is_retried_once_when_the_wait_is_short(
    monkeypatch: pytest.MonkeyPatch, retry_after: int, retried: bool
) -> None:
    slept: list[float] = []

    async def no_wait(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("bot.rate_limit.asyncio.sleep", no_wait)
    limiter = ConversationFirstRateLimiter(SendBudget(30))
    calls = 0

    async def flaky() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryAfter(retry_after)
        return {"ok": True}

    if retried:
        assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None)
        assert (calls, slept) == (2, [retry_after])
    else:
        with pytest.raises(RetryAfter):
            await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None)
        assert calls == 1


def test_the_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SendBudget(0)
