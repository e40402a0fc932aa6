"""Exactly-once digest delivery on both databases: one poster per slot, crash takeover, grace."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.bootstrap.container import Services, build_services
from bot.services.digests.claims import LEASE, DigestClaims
from storage.digests.tables import DigestRun, DigestSubscription, RunStatus
from tests.conftest import Database
from tests.kit.common import FixedClock

SLOT = "2026-11-24T09:00"
SCHEDULED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
GRACE = timedelta(hours=1)


async def subscription(services: Services) -> int:
    now = services.clock()
    async with services.sessions() as session:
        row = DigestSubscription(
            channel_id="C0DIGEST", created_by="U0LEAD01", days="mon-fri", times="09:00",
            zone="UTC", created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(row)
        await session.commit()
        assert row.id is not None
        return row.id


async def runs(services: Services) -> list[DigestRun]:
    async with services.sessions() as session:
        return list(
            (await session.execute(select(DigestRun).order_by(col(DigestRun.id)))).scalars()
        )


async def test_the_first_claim_wins_and_the_second_process_stands_back(services: Services):
    sub = await subscription(services)
    first = DigestClaims(services.sessions, services.clock, owner="host-a:1")
    second = DigestClaims(services.sessions, services.clock, owner="host-b:2")

    won = await first.claim(sub, SLOT, SCHEDULED, GRACE)
    lost = await second.claim(sub, SLOT, SCHEDULED, GRACE)

    assert won is not None
    assert won.takeover is False
    assert lost is None
    [run] = await runs(services)
    assert (run.claimed_by, run.status) == ("host-a:1", RunStatus.CLAIMED)


async def test_three_processes_claiming_at_once_produce_one_poster(
    services: Services, database: Database, clock: FixedClock
):
    sub = await subscription(services)
    processes = [
        build_services(database.url, clock=clock, schema=database.schema) for _ in range(3)
    ]
    claimers = [
        DigestClaims(p.sessions, clock, owner=f"host-{n}:1") for n, p in enumerate(processes)
    ]

    results = await asyncio.gather(*(c.claim(sub, SLOT, SCHEDULED, GRACE) for c in claimers))
    for process in processes:
        await process.close()

    assert sum(result is not None for result in results) == 1
    assert len(await runs(services)) == 1


async def test_a_claim_abandoned_by_a_crash_is_taken_over_after_the_lease(
    services: Services, clock: FixedClock
):
    sub = await subscription(services)
    crashed = DigestClaims(services.sessions, clock, owner="host-a:1")
    restarted = DigestClaims(services.sessions, clock, owner="host-a:2")
    await crashed.claim(sub, SLOT, SCHEDULED, GRACE)

    clock.advance(seconds=LEASE.total_seconds() - 1)
    too_soon = await restarted.claim(sub, SLOT, SCHEDULED, GRACE)
    clock.advance(seconds=2)
    taken = await restarted.claim(sub, SLOT, SCHEDULED, GRACE)

    assert too_soon is None
    assert taken is not None
    assert taken.takeover is True
    [run] = await runs(services)
    assert (run.claimed_by, run.attempts) == ("host-a:2", 2)
    assert await crashed.posted(taken, "1.0") is False  # the old holder cannot finish it now


async def test_a_posted_slot_is_never_claimed_again(services: Services, clock: FixedClock):
    sub = await subscription(services)
    poster = DigestClaims(services.sessions, clock, owner="host-a:1")
    claim = await poster.claim(sub, SLOT, SCHEDULED, GRACE)
    assert claim is not None
    assert await poster.posted(claim, "1700000000.000100") is True

    clock.advance(minutes=30)
    again = await DigestClaims(services.sessions, clock, owner="host-b:1").claim(
        sub, SLOT, SCHEDULED, GRACE
    )

    assert again is None
    [run] = await runs(services)
    assert (run.status, run.message_ts) == (RunStatus.POSTED, "1700000000.000100")


async def test_a_slot_past_its_grace_period_is_not_delivered(services: Services, clock: FixedClock):
    sub = await subscription(services)
    clock.now = SCHEDULED + GRACE + timedelta(seconds=1)

    late = await DigestClaims(services.sessions, clock).claim(sub, SLOT, SCHEDULED, GRACE)

    assert late is None
    assert await runs(services) == []


async def test_a_failed_slot_records_the_error(services: Services, clock: FixedClock):
    sub = await subscription(services)
    claims = DigestClaims(services.sessions, clock, owner="host-a:1")
    claim = await claims.claim(sub, SLOT, SCHEDULED, GRACE)
    assert claim is not None

    assert await claims.failed(claim, "channel_not_found") is True

    [run] = await runs(services)
    assert (run.status, run.error) == (RunStatus.FAILED, "channel_not_found")
