"""Named queries behind exactly-once digest delivery: claim, reclaim, finish a slot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Table, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from storage.digest_models import RunStatus

RUNS: Table = SQLModel.metadata.tables["digest_runs"]


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
