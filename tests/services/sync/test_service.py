"""The sync service against an httpx.MockTransport upstream, on both databases: mapping,
pagination, watermark, failures in a row, the lease."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from bot.bootstrap.container import Services
from bot.services.sync import Freshness, RecordMapping, SourcePage, SyncService
from storage.ingest import queries as ingest_queries
from storage.orders.tables import EventKind, EventSource, OrderStatus
from tests.integrations.scripted import ScriptedUpstream, page, status
from tests.kit.common import FixedClock
from tests.kit.sync import MAPPING, PLAN, record, sync_with
from tests.services.conftest import events_of, load_order


async def test_sync_maps_records_and_lands_every_page(services: Services):
    upstream = ScriptedUpstream(
        [
            page([record("SO-1", status="In Transit", quantity=4)], "c2"),
            page([record("SO-2", promise="2026-12-05")], None),
        ]
    )
    sync = sync_with(services, upstream)

    run = await sync.run_once()

    assert (run.ok, run.pages, run.changed, run.rejected) == (True, 2, 2, 0)
    first = await load_order(services, "SO-1")
    assert (first.customer, first.status, str(first.quantity)) == (
        "Acme Hospital",
        OrderStatus.CONFIRMED,
        "4.000",
    )
    [created] = await events_of(services, "SO-1")
    assert (created.kind, created.source, created.actor) == (
        EventKind.CREATED,
        EventSource.SYNC,
        "sync:upstream",
    )
    assert created.note == "upstream page 1 record 0"


async def test_sync_watermark_is_the_newest_updated_at_and_is_sent_next_time(
    services: Services,
):
    upstream = ScriptedUpstream(
        [
            page([record("SO-1", "2026-11-24T07:00:00Z"), record("SO-2", "2026-11-24T08:30:00Z")]),
            page([]),
        ]
    )
    sync = sync_with(services, upstream)

    await sync.run_once()
    await sync.run_once()

    state = (await sync.status()).state
    assert state.watermark == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    assert "updated_since" not in upstream.params(0)
    assert upstream.params(1)["updated_since"] == "2026-11-24T08:30:00Z"


async def test_sync_failed_page_keeps_what_landed_but_not_the_watermark(
    services: Services, clock: FixedClock
):
    failing = [status(500)] * 4
    upstream = ScriptedUpstream(
        [page([record("SO-1", "2026-11-24T07:00:00Z")]), page([record("SO-2")], "c2"), *failing]
    )
    sync = sync_with(services, upstream)
    await sync.run_once()
    clock.advance(minutes=15)

    run = await sync.run_once()

    assert not run.ok
    assert run.error == "upstream failed 4 times; last: HTTP 500"
    assert (await load_order(services, "SO-2")).customer == "Acme Hospital"
    state = (await sync.status()).state
    assert state.watermark == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert (state.consecutive_failures, state.last_error_at) == (1, clock.now)
    assert state.last_success_at == clock.now - timedelta(minutes=15)
    assert state.running_since is None


async def test_sync_alerts_on_the_third_failure_in_a_row_only(services: Services):
    upstream = ScriptedUpstream([httpx.Response(401)] * 4 + [page([])] + [httpx.Response(401)])
    sync = sync_with(services, upstream)

    runs = [await sync.run_once() for _ in range(6)]

    assert [run.ok for run in runs] == [False, False, False, False, True, False]
    assert [run.alert_admins for run in runs] == [False, False, True, False, False, False]
    assert (await sync.status()).state.consecutive_failures == 1


async def test_sync_counts_unreadable_records_and_lands_the_rest(services: Services):
    upstream = ScriptedUpstream(
        [page([record("SO-1"), record("SO-2", promise="soon"), "not a record", record("SO-3")])]
    )
    sync = sync_with(services, upstream)

    run = await sync.run_once()

    assert (run.ok, run.changed, run.rejected) == (True, 2, 2)
    state = (await sync.status()).state
    assert (state.last_changed, state.last_rejected) == (2, 2)
    assert state.last_problem == (
        "upstream page 1 record 1: promised_date: unreadable date 'soon'"
        " (e.g. 2006-06-02, 2-Jun-06 or 06/02/2006)"
    )


async def test_sync_without_updated_at_moves_the_watermark_to_the_run_start(
    services: Services, clock: FixedClock
):
    no_stamps = RecordMapping({**MAPPING.fields, "updated_at": "absent"})
    upstream = ScriptedUpstream([page([record("SO-1")]), page([])])
    sync = sync_with(services, upstream, no_stamps)
    started = clock.now

    await sync.run_once()
    clock.advance(minutes=15)
    await sync.run_once()

    assert (await sync.status()).state.watermark == started


async def test_sync_fails_when_the_upstream_repeats_a_page_token(services: Services):
    upstream = ScriptedUpstream([page([], "again"), page([], "again")])
    sync = sync_with(services, upstream)

    run = await sync.run_once()

    assert run.error == "upstream sent page token 'again' twice"


async def test_sync_runs_once_at_a_time_across_processes(services: Services):
    fetching, release = asyncio.Event(), asyncio.Event()

    class SlowSource:
        async def fetch_page(self, since: datetime | None, page: str | None) -> SourcePage:
            fetching.set()
            await release.wait()
            return SourcePage([], None)

        async def aclose(self) -> None:
            return None

    def process() -> SyncService:
        return SyncService(services.sessions, services.clock, UTC, source=SlowSource())

    first = asyncio.create_task(process().run_once())
    await fetching.wait()
    second = await process().run_once()
    release.set()

    assert second.skipped == "another process is syncing"
    assert (await first).ok


async def test_sync_takes_over_a_lease_abandoned_by_a_dead_process(
    services: Services, clock: FixedClock
):
    upstream = ScriptedUpstream([page([])])
    sync = sync_with(services, upstream)
    async with services.sessions() as session:
        await ingest_queries.ensure_sync_state(session, "upstream")
        await ingest_queries.update_sync_state(
            session, "upstream", {"running_since": clock.now - timedelta(hours=1)}
        )
        await session.commit()

    run = await sync.run_once()

    assert run.ok


async def test_sync_status_and_freshness(services: Services, clock: FixedClock):
    off = SyncService(services.sessions, services.clock, UTC)
    sync = sync_with(services, ScriptedUpstream([page([])]))

    before = await sync.freshness()
    await sync.run_once()

    assert (await off.status()).plan is None
    assert (await off.run_once()).skipped == "no upstream is configured (UPSTREAM_URL)"
    assert before is None
    assert await sync.freshness() == clock.now
    assert (await sync.status()).plan == PLAN


async def test_digest_freshness_is_none_without_an_upstream_and_behind_after_missed_runs(
    services: Services, clock: FixedClock
):
    off = SyncService(services.sessions, services.clock, UTC)
    sync = sync_with(services, ScriptedUpstream([page([]), page([])]))

    never = await sync.digest_freshness()
    await sync.run_once()
    fresh = await sync.digest_freshness()
    clock.advance(minutes=44)  # under three 15-minute runs since the last success
    late = await sync.digest_freshness()
    clock.advance(minutes=2)
    missed = await sync.digest_freshness()

    assert await off.digest_freshness() is None
    assert never == Freshness(None, behind=True)
    assert fresh == Freshness(clock.now - timedelta(minutes=46), behind=False)
    assert late is not None and not late.behind
    assert missed == Freshness(clock.now - timedelta(minutes=46), behind=True)
