"""Named queries behind a customer-update draft: the latest ETA change, a live expedite."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.orders.tables import EventKind, ExpediteRequest, ExpediteStatus, OrderEvent

_LIVE = (ExpediteStatus.PENDING.value, ExpediteStatus.APPROVED.value)


async def latest_eta_change(session: AsyncSession, order_id: int) -> OrderEvent | None:
    """The order's most recent ETA change (ties on time go to the later insert)."""
    query = (
        select(OrderEvent)
        .where(
            col(OrderEvent.order_id) == order_id,
            col(OrderEvent.kind) == EventKind.ETA_CHANGED.value,
        )
        .order_by(col(OrderEvent.at).desc(), col(OrderEvent.id).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


async def live_expedite(session: AsyncSession, order_id: int) -> ExpediteRequest | None:
    """The order's latest expedite request that is pending or approved (not denied)."""
    query = (
        select(ExpediteRequest)
        .where(
            col(ExpediteRequest.order_id) == order_id,
            col(ExpediteRequest.status).in_(_LIVE),
        )
        .order_by(col(ExpediteRequest.id).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()
