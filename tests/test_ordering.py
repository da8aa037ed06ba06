"""Per-person ordering: one person's updates never interleave; different people overlap."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.ordering import PerUserUpdateProcessor
from tests.support.recording_request import message_update


def make_update(user_id: int, text: str) -> Update:
    return Update.de_json(message_update(user_id, text), None)


async def test_same_person_in_order_different_people_concurrently() -> None:
    processor = PerUserUpdateProcessor(max_concurrent_updates=8)
    log: list[str] = []
    active: set[int] = set()
    overlap_between_people = False

    async def handle(user_id: int, label: str, delay: float) -> None:
        nonlocal overlap_between_people
        assert user_id not in active, "two updates of one person ran at once"
        if active:
            overlap_between_people = True
        active.add(user_id)
        log.append(f"start {label}")
        await asyncio.sleep(delay)
        log.append(f"end {label}")
        active.discard(user_id)

    jobs = [
        (1, "a1", 0.05),
        (1, "a2", 0.0),
        (2, "b1", 0.02),
        (1, "a3", 0.01),
        (2, "b2", 0.0),
    ]
    await asyncio.gather(
        *(
            processor.process_update(make_update(user, label), handle(user, label, delay))
            for user, label, delay in jobs
        )
    )
    for person in ("a", "b"):
        mine = [entry for entry in log if entry.split()[1].startswith(person)]
        labels = [entry.split()[1] for entry in mine if entry.startswith("end")]
        assert labels == sorted(labels), f"{person}'s updates finished out of order: {labels}"
    assert overlap_between_people
    assert processor.people_in_flight == 0  # nothing per person stays in memory
