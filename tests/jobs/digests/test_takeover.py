"""A digest process that stood still past its lease while another took the slot over.

The fake Slack holds one thread reply of the first process; meanwhile the clock passes the
lease and a second process's sweep takes the slot over and finishes the thread. When the
first process gets Slack's answer back it must stop: everything it posted from then on would
repeat the new holder's messages, and anything it recorded would overwrite theirs.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from bot.bootstrap.container import Services, build_services
from bot.delivery.digests.digest_posts import TAKEN_OVER
from bot.jobs.digests.slot_jobs import DigestJobs
from bot.sandbox.web_api import FakeSlack, Hold
from bot.services.digests import build_digests
from bot.services.digests.claims import LEASE
from storage.digests.tables import DigestSubscription, RunStatus
from tests.conftest import Database
from tests.kit.common import FixedClock
from tests.kit.digests import (
    NOW,
    SLOT,
    add_orders,
    add_subscription,
    overdue,
    posts_to,
    runs,
    slack_client,
)
from tests.scale.digests import part_of


@pytest.fixture
async def other(database: Database, clock: FixedClock) -> AsyncIterator[Services]:
    """A second process on the same database, with a claim owner of its own."""
    process = build_services(database.url, clock=clock, schema=database.schema)
    process.digests = build_digests(process.sessions, clock, process.orders.zone, owner="other:1")
    yield process
    await process.close()


async def posting_held_at_part_2(
    services: Services, fake: FakeSlack
) -> tuple[DigestSubscription, Hold, asyncio.Task[str | None]]:
    """A 60-row digest (main message and a few parts) whose part 2 the fake holds."""
    await add_orders(services, [overdue(f"SO-{n:03d}") for n in range(60)])
    sub = await add_subscription(services, max_rows=60)
    delivery = await services.digests.deliveries.begin(sub.id or 0, SLOT, NOW)
    assert delivery is not None
    hold = fake.hold("chat.postMessage", nth=2)
    posting = asyncio.create_task(DigestJobs(services, slack_client(fake)).post(delivery))
    await asyncio.wait_for(hold.wait(), 10)
    return sub, hold, posting


async def test_process_whose_slot_was_taken_over_stops_after_the_message_in_flight(
    services: Services, other: Services, clock: FixedClock, fake_slack: FakeSlack
):
    sub, hold, posting = await posting_held_at_part_2(services, fake_slack)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await DigestJobs(other, slack_client(fake_slack)).sweep()  # takes over, finishes the thread

    hold.release()
    outcome = await asyncio.wait_for(posting, 10)

    parts = [part_of(call)[0] for call in posts_to(fake_slack)[1:]]
    total = part_of(posts_to(fake_slack)[1])[1]
    assert outcome == TAKEN_OVER
    assert Counter(parts) == Counter(range(2, total + 1)) + Counter([2])  # part 2 was in flight
    [run] = await runs(services)
    assert (run.claimed_by, run.status, run.parts_posted) == ("other:1", RunStatus.POSTED, total)
    async with services.sessions() as session:
        stored = await session.get(DigestSubscription, sub.id)
    assert stored is not None and (stored.last_success_at, stored.last_error) == (clock.now, None)


async def test_slack_error_after_a_takeover_is_not_recorded_by_the_process_that_lost_it(
    services: Services, other: Services, clock: FixedClock, fake_slack: FakeSlack
):
    sub, hold, posting = await posting_held_at_part_2(services, fake_slack)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await DigestJobs(other, slack_client(fake_slack)).sweep()
    fake_slack.http_error_next("chat.postMessage", status=503)  # the held part 2's answer

    hold.release()
    outcome = await asyncio.wait_for(posting, 10)

    assert outcome == "fatal_error"
    [run] = await runs(services)
    assert (run.claimed_by, run.status, run.error) == ("other:1", RunStatus.POSTED, None)
    async with services.sessions() as session:
        stored = await session.get(DigestSubscription, sub.id)
    assert stored is not None and stored.last_error is None


async def test_process_whose_own_sweep_took_the_slot_over_posts_each_part_once(
    services: Services, clock: FixedClock, fake_slack: FakeSlack
):
    sub, stalled, posting = await posting_held_at_part_2(services, fake_slack)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    sweep_hold = fake_slack.hold("chat.postMessage", nth=2)  # the sweep's part 3
    # The same process's sweep: the same claim owner, the next attempt.
    sweep = asyncio.create_task(DigestJobs(services, slack_client(fake_slack)).sweep())
    await asyncio.wait_for(sweep_hold.wait(), 10)

    stalled.release()  # the stalled post gets its answer while the sweep is mid-thread
    outcome = await asyncio.wait_for(posting, 10)
    sweep_hold.release()
    await asyncio.wait_for(sweep, 10)

    parts = [part_of(call)[0] for call in posts_to(fake_slack)[1:]]
    total = part_of(posts_to(fake_slack)[1])[1]
    assert outcome == TAKEN_OVER
    assert Counter(parts) == Counter(range(2, total + 1)) + Counter([2])
    [run] = await runs(services)
    assert (run.status, run.parts_posted, run.attempts) == (RunStatus.POSTED, total, 2)
    assert sub.id == run.subscription_id
