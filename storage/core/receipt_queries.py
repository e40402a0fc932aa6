"""Named queries behind Events API deduplication (storage.core.receipt_tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Table, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from storage.core import claims

RECEIPTS: Table = SQLModel.metadata.tables["slack_event_receipts"]


async def record_receipt(
    session: AsyncSession, event_id: str, event_type: str, owner: str, now: datetime
) -> bool:
    """Record the event as received by `owner`; False when some process already has it."""
    values = {
        "event_id": event_id,
        "event_type": event_type,
        "received_by": owner,
        "received_at": now,
    }
    return await claims.insert_claim(session, RECEIPTS, ["event_id"], values) is not None


async def forget_receipt(session: AsyncSession, event_id: str, owner: str) -> bool:
    """Drop `owner`'s receipt of the event, so that Slack's next retry is handled again."""
    statement = delete(RECEIPTS).where(
        RECEIPTS.c.event_id == event_id, RECEIPTS.c.received_by == owner
    )
    result: CursorResult[Any] = await session.execute(statement)  # type: ignore[assignment]
    return result.rowcount > 0


async def purge_receipts(session: AsyncSession, received_before: datetime) -> int:
    """Forget events received before the cutoff (Slack has stopped retrying them)."""
    statement = delete(RECEIPTS).where(RECEIPTS.c.received_at < received_before)
    result: CursorResult[Any] = await session.execute(statement)  # type: ignore[assignment]
    return result.rowcount
