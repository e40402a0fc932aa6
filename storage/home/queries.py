"""Named queries behind the App Home: pages of one rep's orders, teams, digest subscriptions."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.digests.tables import DigestSubscription
from storage.orders.tables import ExpediteRequest, ExpediteStatus, Order


async def orders_by_ids(session: AsyncSession, order_ids: Collection[int]) -> dict[int, Order]:
    """The orders with these database ids, keyed by id."""
    if not order_ids:
        return {}
    query = select(Order).where(col(Order.id).in_(sorted(order_ids)))
    return {order.id: order for order in (await session.execute(query)).scalars() if order.id}


def _team_is(team: str | None) -> list[ColumnElement[bool]]:
    return [func.lower(col(Order.team)) == team.lower()] if team else []


async def snoozed_orders(
    session: AsyncSession, owner: str, team: str | None, now: datetime, offset: int, limit: int
) -> tuple[list[Order], int]:
    """The owner's open orders snoozed past `now`, the soonest to wake first, and their count."""
    condition = and_(
        col(Order.closed_at).is_(None),
        col(Order.owner) == owner,
        col(Order.snoozed_until) > now,
        *_team_is(team),
    )
    total = (await session.execute(select(func.count()).where(condition))).scalar_one()
    query = (
        select(Order)
        .where(condition)
        .order_by(col(Order.snoozed_until), col(Order.external_id))
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars()), int(total)


async def pending_expedites(
    session: AsyncSession, requested_by: str, team: str | None, offset: int, limit: int
) -> tuple[list[tuple[ExpediteRequest, Order]], int]:
    """Expedite requests by `requested_by` still waiting for a decision, oldest first."""
    condition = and_(
        col(ExpediteRequest.requested_by) == requested_by,
        col(ExpediteRequest.status) == ExpediteStatus.PENDING.value,
        *_team_is(team),
    )
    joined = select(func.count()).select_from(ExpediteRequest).join(Order)
    total = (await session.execute(joined.where(condition))).scalar_one()
    query = (
        select(ExpediteRequest, Order)
        .join(Order, col(Order.id) == col(ExpediteRequest.order_id))
        .where(condition)
        .order_by(col(ExpediteRequest.created_at), col(ExpediteRequest.id))
        .offset(offset)
        .limit(limit)
    )
    rows = (await session.execute(query)).all()
    return [(request, order) for request, order in rows], int(total)


async def open_teams(session: AsyncSession, limit: int) -> list[str]:
    """Team names (lower case) that have open orders, alphabetically."""
    name = func.lower(col(Order.team))
    query = (
        select(name)
        .distinct()
        .where(col(Order.closed_at).is_(None), col(Order.team).is_not(None))
        .order_by(name)
        .limit(limit)
    )
    return [str(team) for team in (await session.execute(query)).scalars() if team]


async def digest_subscriptions(
    session: AsyncSession, limit: int
) -> tuple[list[DigestSubscription], int]:
    """The first `limit` digest subscriptions (oldest first) and how many there are."""
    total = (
        await session.execute(select(func.count()).select_from(DigestSubscription))
    ).scalar_one()
    query = select(DigestSubscription).order_by(col(DigestSubscription.id)).limit(limit)
    return list((await session.execute(query)).scalars()), int(total)
