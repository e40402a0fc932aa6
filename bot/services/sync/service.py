"""The sync use case: pull every page changed since the watermark, upsert it, keep the health."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.tallies import Tallies, Tally
from bot.services.ingest.items import apply_in_order
from bot.services.ingest.order_fields import RecordReader, ValueFormat
from bot.services.ingest.order_writer import OrderInput, OrderWriter, Outcome
from bot.services.sync.source import (
    OrderSource,
    RecordMapping,
    SourceFailed,
    SourcePage,
    read_record,
)
from storage.ingest import queries as ingest_queries
from storage.ingest.tables import SyncState
from storage.orders.tables import EventSource

log = logging.getLogger(__name__)
FAILURES_BEFORE_ALERT = 3
# A run holding the lease longer than this is taken as dead (its process stopped mid-run).
LEASE = timedelta(minutes=30)
STALE_AFTER_RUNS = 3  # planned runs without a success before digests call the orders stale
MAX_PAGES = 10_000  # an upstream that never ends its pages is a failure, not a loop


@dataclass(frozen=True)
class SyncPlan:
    """What the sync is configured to do, for status messages (no credentials)."""

    source: str  # e.g. "https://erp.example.com/api/orders"
    every: timedelta


@dataclass(frozen=True)
class SyncSetup:
    """A configured upstream: where to pull from, how to read its records, how often."""

    source: OrderSource
    mapping: RecordMapping
    plan: SyncPlan


@dataclass(frozen=True)
class SyncStatus:
    """The feed's health as stored; `plan` is None when no upstream is configured."""

    plan: SyncPlan | None
    state: SyncState


@dataclass(frozen=True)
class Freshness:
    """How fresh synced orders are, for the digests' "orders synced 12 min ago" line."""

    synced_at: datetime | None  # the last successful run; None: never
    behind: bool  # no success within STALE_AFTER_RUNS planned runs: the sync is failing


@dataclass(frozen=True)
class SyncRun:
    """What one run did. `alert_admins` is set by the failure that makes it three in a row."""

    ok: bool
    changed: int = 0
    rejected: int = 0
    pages: int = 0
    error: str | None = None
    skipped: str | None = None  # why nothing ran (another process holds the lease)
    alert_admins: bool = False
    last_success_at: datetime | None = None
    finished_at: datetime | None = None


@dataclass
class _Totals:
    changed: int = 0
    rejected: int = 0
    pages: int = 0
    newest: datetime | None = None  # the latest updated_at any record carried
    records: int = 0
    problem: str | None = None  # the first rejected record's reasons


class SyncService:
    """Pulls changed orders through the CSV import's writer; the watermark only moves after
    every page of a run has landed, so a failed page is fetched again next time."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        source: OrderSource | None = None,
        mapping: RecordMapping | None = None,
        plan: SyncPlan | None = None,
        name: str = "upstream",
        tallies: Tallies | None = None,
    ) -> None:
        self._sessions = sessions
        self._tallies = tallies or Tallies()
        self._clock = clock
        self._source = source
        self._mapping = mapping or RecordMapping()
        self._reader: RecordReader = self._mapping.reader(ValueFormat(timezone=zone))
        self.plan = plan if source is not None else None
        self.name = name

    @property
    def configured(self) -> bool:
        return self._source is not None

    async def run_once(self) -> SyncRun:
        """One run: every page since the watermark, or a recorded failure."""
        run = await self._run()
        outcome = "skipped" if run.skipped else "ok" if run.ok else "failed"
        self._tallies.add(Tally.SYNC_RUNS, outcome)
        self._tallies.add(Tally.SYNC_ORDERS, "changed", run.changed)
        self._tallies.add(Tally.SYNC_ORDERS, "rejected", run.rejected)
        return run

    async def _run(self) -> SyncRun:
        if self._source is None:
            return SyncRun(ok=False, skipped="no upstream is configured (UPSTREAM_URL)")
        started = self._clock()
        state = await self._take_lease(started)
        if state is None:
            return SyncRun(ok=False, skipped="another process is syncing")
        totals = _Totals()
        try:
            await self._pull(self._source, state.watermark, totals)
        except SourceFailed as exc:
            return await self._failed(str(exc), totals)
        except Exception as exc:  # a bug or the database: still a failure the admins must see
            log.exception("upstream sync failed")
            return await self._failed(f"internal error: {type(exc).__name__}: {exc}", totals)
        return await self._succeeded(started, state.watermark, totals)

    async def status(self) -> SyncStatus:
        """The stored state (all empty before the first run)."""
        async with self._sessions() as session:
            state = await ingest_queries.sync_state(session, self.name)
        return SyncStatus(self.plan, state or SyncState(name=self.name))

    async def freshness(self) -> datetime | None:
        """When orders were last synced successfully, for "orders synced 12 min ago"."""
        return (await self.status()).state.last_success_at

    async def digest_freshness(self) -> Freshness | None:
        """How fresh the orders are; None when no upstream is configured (nothing to say)."""
        if self.plan is None:
            return None
        synced_at = await self.freshness()
        due_by = self._clock() - self.plan.every * STALE_AFTER_RUNS
        return Freshness(synced_at, behind=synced_at is None or synced_at < due_by)

    async def close(self) -> None:
        if self._source is not None:
            await self._source.aclose()

    async def _pull(self, source: OrderSource, since: datetime | None, totals: _Totals) -> None:
        page: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            fetched = await source.fetch_page(since, page)
            await self._land(fetched, totals)
            if fetched.next_page is None:
                return
            if fetched.next_page in seen:
                raise SourceFailed(f"upstream sent page token {fetched.next_page!r} twice")
            seen.add(page := fetched.next_page)
        raise SourceFailed(f"upstream sent more than {MAX_PAGES:,} pages in one run")

    async def _land(self, fetched: SourcePage, totals: _Totals) -> None:
        """Write one page in its own transaction (a later failure keeps what landed)."""
        totals.pages += 1
        inputs: list[OrderInput] = []
        for index, record in enumerate(fetched.records):
            origin = f"{self.name} page {totals.pages} record {index}"
            result = read_record(self._mapping, self._reader, record, origin)
            if isinstance(result, OrderInput):
                inputs.append(result)
                stamp = result.fields.get("updated_at")
                totals.newest = max(filter(None, (totals.newest, stamp)), default=None)
            else:
                totals.rejected += 1
                problems = "; ".join(f"{p.field}: {p.reason}" for p in result)
                totals.problem = totals.problem or f"{origin}: {problems}"
        totals.records += len(fetched.records)
        async with self._sessions() as session:
            writer = OrderWriter(
                session, source=EventSource.SYNC, actor=f"sync:{self.name}", now=self._clock()
            )
            changes = await apply_in_order(writer, inputs)
            await session.commit()
        totals.changed += sum(c.outcome in (Outcome.CREATED, Outcome.UPDATED) for c in changes)
        totals.rejected += sum(c.outcome is Outcome.REJECTED for c in changes)

    async def _take_lease(self, now: datetime) -> SyncState | None:
        async with self._sessions() as session:
            await ingest_queries.ensure_sync_state(session, self.name)
            taken = await ingest_queries.take_sync_lease(session, self.name, now, now - LEASE)
            state = await ingest_queries.sync_state(session, self.name) if taken else None
            await session.commit()
        return state

    async def _failed(self, error: str, totals: _Totals) -> SyncRun:
        now = self._clock()
        async with self._sessions() as session:
            state = await ingest_queries.sync_state(session, self.name)
            failures = (state.consecutive_failures if state else 0) + 1
            values = {"last_error": error, "last_error_at": now, "last_run_at": now}
            await self._finish(session, values | {"consecutive_failures": failures})
            last_success = state.last_success_at if state else None
        log.warning("upstream sync failed (%d in a row): %s", failures, error)
        return SyncRun(
            ok=False,
            changed=totals.changed,
            rejected=totals.rejected,
            pages=totals.pages,
            error=error,
            alert_admins=failures == FAILURES_BEFORE_ALERT,
            last_success_at=last_success,
            finished_at=now,
        )

    async def _succeeded(
        self, started: datetime, watermark: datetime | None, totals: _Totals
    ) -> SyncRun:
        now = self._clock()
        values: dict[str, Any] = {
            "watermark": _next_watermark(watermark, started, totals),
            "last_run_at": now,
            "last_success_at": now,
            "consecutive_failures": 0,
            "last_changed": totals.changed,
            "last_rejected": totals.rejected,
            "last_problem": totals.problem,
        }
        async with self._sessions() as session:
            await self._finish(session, values)
        return SyncRun(
            ok=True,
            changed=totals.changed,
            rejected=totals.rejected,
            pages=totals.pages,
            last_success_at=now,
            finished_at=now,
        )

    async def _finish(self, session: AsyncSession, values: dict[str, Any]) -> None:
        await ingest_queries.update_sync_state(session, self.name, values | {"running_since": None})
        await session.commit()


def _next_watermark(
    current: datetime | None, started: datetime, totals: _Totals
) -> datetime | None:
    """The newest updated_at seen; the run's start when records carry none; else unchanged."""
    if totals.newest is not None:
        return max(filter(None, (current, totals.newest)))
    if totals.records:
        return started
    return current
