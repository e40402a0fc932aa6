"""Named queries on expedite requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.orders.tables import ExpediteRequest, ExpediteStatus


async def request_by_id(session: AsyncSession, request_id: int) -> ExpediteRequest | None:
    """The request as stored now, replacing any copy the session already holds."""
    query = select(ExpediteRequest).where(col(ExpediteRequest.id) == request_id)
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def pending_request(session: AsyncSession, order_id: int) -> ExpediteRequest | None:
    """The order's open expedite request, if any."""
    query = select(ExpediteRequest).where(
        col(ExpediteRequest.order_id) == order_id,
        col(ExpediteRequest.status) == ExpediteStatus.PENDING.value,
    )
    return (await session.execute(query.order_by(col(ExpediteRequest.id)))).scalars().first()


async def decide_if_pending(
    session: AsyncSession,
    request_id: int,
    status: ExpediteStatus,
    decided_by: str,
    decided_at: datetime,
    note: str | None,
) -> bool:
    """Record the decision unless the request was decided already (first decision wins)."""
    statement = (
        update(ExpediteRequest)
        .where(
            col(ExpediteRequest.id) == request_id,
            col(ExpediteRequest.status) == ExpediteStatus.PENDING.value,
        )
        .values(
            status=status.value, decided_by=decided_by, decided_at=decided_at, decision_note=note
        )
    )
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount == 1


async def set_message(session: AsyncSession, request_id: int, channel: str, ts: str) -> bool:
    """Remember where the leads were asked, so the decision can update that message."""
    statement = (
        update(ExpediteRequest)
        .where(col(ExpediteRequest.id) == request_id)
        .values(channel=channel, message_ts=ts)
    )
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount == 1
