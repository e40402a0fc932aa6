"""Named queries behind exactly-once digest delivery: claim, reclaim, progress, finish a slot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from storage.digest_models import RunStatus

RUNS: Table = SQLModel.metadata.tables["digest_runs"]
SUBS: Table = SQLModel.metadata.tables["digest_subscriptions"]


async def insert_claim(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Insert the slot's claim; None when the slot is already claimed (the unique key decides)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(RUNS)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["subscription_id", "slot_key"])
        .returning(RUNS.c.id)
    )
    run_id: int | None = (await session.execute(statement)).scalar_one_or_none()
    return run_id


async def reclaim_abandoned(
    session: AsyncSession,
    subscription_id: int,
    slot_key: str,
    owner: str,
    now: datetime,
    abandoned_before: datetime,
) -> int | None:
    """Take over a claim whose holder stopped before posting (it claimed before the cutoff)."""
    statement = (
        update(RUNS)
        .where(
            RUNS.c.subscription_id == subscription_id,
            RUNS.c.slot_key == slot_key,
            RUNS.c.status == RunStatus.CLAIMED.value,
            RUNS.c.claimed_at < abandoned_before,
        )
        .values(claimed_by=owner, claimed_at=now, attempts=RUNS.c.attempts + 1)
        .returning(RUNS.c.id)
    )
    run_id: int | None = (await session.execute(statement)).scalar_one_or_none()
    return run_id


async def finish_run(
    session: AsyncSession, run_id: int, owner: str, values: dict[str, Any]
) -> bool:
    """Record the outcome, only if `owner` still holds the claim."""
    statement = (
        update(RUNS)
        .where(
            RUNS.c.id == run_id,
            RUNS.c.claimed_by == owner,
            RUNS.c.status == RunStatus.CLAIMED.value,
        )
        .values(**values)
    )
    result: CursorResult[Any] = await session.execute(statement)  # type: ignore[assignment]
    return result.rowcount == 1


async def record_progress(
    session: AsyncSession,
    run_id: int,
    owner: str,
    message_ts: str,
    parts_posted: int,
    now: datetime,
) -> bool:
    """Note how far posting got, if `owner` still holds the claim; progress renews the lease
    (claimed_at), so a long thread is not taken over while it is being posted.
    """
    values = {"message_ts": message_ts, "parts_posted": parts_posted, "claimed_at": now}
    return await finish_run(session, run_id, owner, values)


async def run_progress(session: AsyncSession, run_id: int) -> tuple[str | None, int]:
    """(main message ts, messages posted) of a run: where a takeover continues."""
    query = select(RUNS.c.message_ts, RUNS.c.parts_posted).where(RUNS.c.id == run_id)
    row = (await session.execute(query)).one()
    return row.message_ts, int(row.parts_posted)


async def last_listed(session: AsyncSession, subscription_id: int) -> dict[str, Any] | None:
    """What the subscription's latest delivered digest counted as lagging (None: no digest yet)."""
    query = (
        select(RUNS.c.listed)
        .where(
            RUNS.c.subscription_id == subscription_id,
            RUNS.c.status.in_([RunStatus.POSTED.value, RunStatus.SKIPPED.value]),
            RUNS.c.listed.is_not(None),
        )
        .order_by(RUNS.c.scheduled_at.desc(), RUNS.c.id.desc())
        .limit(1)
    )
    listed: dict[str, Any] | None = (await session.execute(query)).scalar_one_or_none()
    return listed


async def abandoned_claims(session: AsyncSession, claimed_before: datetime) -> list[Any]:
    """Claims still open that their holder took before the cutoff, with the grace to check."""
    query = (
        select(RUNS.c.subscription_id, RUNS.c.slot_key, RUNS.c.scheduled_at, SUBS.c.grace_minutes)
        .join(SUBS, SUBS.c.id == RUNS.c.subscription_id)
        .where(RUNS.c.status == RunStatus.CLAIMED.value, RUNS.c.claimed_at < claimed_before)
        .order_by(RUNS.c.scheduled_at)
    )
    return list((await session.execute(query)).all())
