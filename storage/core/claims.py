"""Named queries behind exactly-once work: a row per unit of work, claimed by a unique insert.

Every claims table (digest_runs, alerts) has `id`, `status`, `claimed_by`, `claimed_at` and
`attempts`, and a unique key naming the unit of work. Status "claimed" means a process holds
the row; what the other statuses mean is each table's business.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Table, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

CLAIMED = "claimed"


async def insert_claim(
    session: AsyncSession, table: Table, key_columns: Sequence[str], values: Mapping[str, Any]
) -> int | None:
    """Insert the claim; None when the unit is already claimed (the unique key decides)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(key_columns))
        .returning(table.c.id)
    )
    claim_id: int | None = (await session.execute(statement)).scalar_one_or_none()
    return claim_id


async def reclaim_abandoned(
    session: AsyncSession,
    table: Table,
    key: Mapping[str, Any],
    owner: str,
    now: datetime,
    abandoned_before: datetime,
) -> tuple[int, int] | None:
    """Take over the claim matching `key` if its holder claimed it before the cutoff;
    (claim id, attempt number) when taken."""
    statement = (
        update(table)
        .where(
            *(table.c[name] == value for name, value in key.items()),
            table.c.status == CLAIMED,
            table.c.claimed_at < abandoned_before,
        )
        .values(claimed_by=owner, claimed_at=now, attempts=table.c.attempts + 1)
        .returning(table.c.id, table.c.attempts)
    )
    row = (await session.execute(statement)).one_or_none()
    return None if row is None else (int(row.id), int(row.attempts))


async def update_held(
    session: AsyncSession,
    table: Table,
    claim_id: int,
    owner: str,
    attempt: int,
    values: Mapping[str, Any],
) -> bool:
    """Write `values` (progress or outcome), only if `owner` still holds the claim with
    `attempt`: a takeover by the same process (its next job run) is a takeover too."""
    statement = (
        update(table)
        .where(
            table.c.id == claim_id,
            table.c.claimed_by == owner,
            table.c.attempts == attempt,
            table.c.status == CLAIMED,
        )
        .values(**values)
    )
    result: CursorResult[Any] = await session.execute(statement)  # type: ignore[assignment]
    return result.rowcount == 1
