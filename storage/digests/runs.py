"""The digest runs table as a claims table (storage.core.claims): one claim per subscription slot;
and what a takeover or the next digest reads back from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from storage.digests.tables import RunStatus

RUNS: Table = SQLModel.metadata.tables["digest_runs"]
SUBS: Table = SQLModel.metadata.tables["digest_subscriptions"]
SLOT_KEY = ("subscription_id", "slot_key")  # the unique key: who claims it posts the slot


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
    """Lagging-digest claims still open that their holder took before the cutoff, with the
    grace to check."""
    query = (
        select(RUNS.c.subscription_id, RUNS.c.slot_key, RUNS.c.scheduled_at, SUBS.c.grace_minutes)
        .join(SUBS, SUBS.c.id == RUNS.c.subscription_id)
        .where(
            RUNS.c.status == RunStatus.CLAIMED.value,
            RUNS.c.claimed_at < claimed_before,
            SUBS.c.kind == "lagging",  # the feedback reports recover their own runs
        )
        .order_by(RUNS.c.scheduled_at)
    )
    return list((await session.execute(query)).all())
