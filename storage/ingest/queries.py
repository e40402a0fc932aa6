"""Named queries of the order feeds: ingest API idempotency keys and the sync state."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from storage.ingest.tables import IdempotencyKey, SyncState

KEYS: Table = SQLModel.metadata.tables["api_idempotency_keys"]
STATES: Table = SQLModel.metadata.tables["sync_state"]


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def claim_key(session: AsyncSession, key: str, fingerprint: str, now: datetime) -> bool:
    """Insert the key; False when it exists (a concurrent holder makes this wait for its end)."""
    statement = (
        _insert(session)(KEYS)
        .values(key=key, fingerprint=fingerprint, result=None, created_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(KEYS.c.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def key_by_name(session: AsyncSession, key: str) -> IdempotencyKey | None:
    """The stored key with its result."""
    query = select(IdempotencyKey).where(col(IdempotencyKey.key) == key)
    return (await session.execute(query)).scalar_one_or_none()


async def store_key_result(session: AsyncSession, key: str, result: dict[str, Any]) -> None:
    """Attach the result to a key claimed in the same transaction."""
    await session.execute(update(KEYS).where(KEYS.c.key == key).values(result=result))


async def purge_keys(session: AsyncSession, created_before: datetime) -> None:
    """Forget keys older than the replay window."""
    await session.execute(delete(KEYS).where(KEYS.c.created_at < created_before))


async def sync_state(session: AsyncSession, name: str) -> SyncState | None:
    """The feed's state, as stored now."""
    query = select(SyncState).where(col(SyncState.name) == name)
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def ensure_sync_state(session: AsyncSession, name: str) -> None:
    """Create the feed's state row unless it exists."""
    defaults = {"consecutive_failures": 0, "last_changed": 0, "last_rejected": 0}
    statement = (
        _insert(session)(STATES)
        .values(name=name, **defaults)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    await session.execute(statement)


async def take_sync_lease(
    session: AsyncSession, name: str, now: datetime, abandoned_before: datetime
) -> bool:
    """Mark the feed as running unless another process is running it.

    A lease taken before `abandoned_before` counts as abandoned (its process died).
    """
    statement = (
        update(STATES)
        .where(
            STATES.c.name == name,
            or_(STATES.c.running_since.is_(None), STATES.c.running_since < abandoned_before),
        )
        .values(running_since=now)
    )
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount == 1


async def update_sync_state(session: AsyncSession, name: str, values: dict[str, Any]) -> None:
    """Set columns of the feed's state."""
    await session.execute(update(STATES).where(STATES.c.name == name).values(**values))
