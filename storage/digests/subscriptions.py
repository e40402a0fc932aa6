"""Named queries on digest subscriptions: list, find, change, remove, record delivery outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.digests.tables import DigestRun, DigestSubscription

# The lagging-orders digest; the table also holds the weekly feedback reports (kind "feedback").
LAGGING_KIND = "lagging"
_LAGGING = col(DigestSubscription.kind) == LAGGING_KIND


async def all_subscriptions(session: AsyncSession) -> list[DigestSubscription]:
    """Every lagging-orders digest subscription, oldest first."""
    query = select(DigestSubscription).where(_LAGGING).order_by(col(DigestSubscription.id))
    return list((await session.execute(query)).scalars())


async def subscription_by_id(
    session: AsyncSession, subscription_id: int
) -> DigestSubscription | None:
    """One lagging-orders digest subscription, fresh from the database."""
    query = select(DigestSubscription).where(
        col(DigestSubscription.id) == subscription_id, _LAGGING
    )
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def update_subscription(
    session: AsyncSession, subscription_id: int, values: Mapping[str, Any]
) -> bool:
    """Set `values` on the subscription; False when it no longer exists."""
    statement = (
        update(DigestSubscription)
        .where(col(DigestSubscription.id) == subscription_id, _LAGGING)
        .values(**values)
    )
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount == 1


async def delete_subscription(session: AsyncSession, subscription_id: int) -> bool:
    """Remove the subscription and its delivery history; False when it was already gone."""
    await session.execute(
        delete(DigestRun).where(col(DigestRun.subscription_id) == subscription_id)
    )
    statement = delete(DigestSubscription).where(col(DigestSubscription.id) == subscription_id)
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount == 1


FEEDBACK_KIND = "feedback"  # digest_subscriptions.kind of the weekly feedback report


async def feedback_subscription(
    session: AsyncSession, channel_id: str
) -> DigestSubscription | None:
    """The channel's weekly feedback report subscription, if it ever had one."""
    query = select(DigestSubscription).where(
        col(DigestSubscription.kind) == FEEDBACK_KIND,
        col(DigestSubscription.channel_id) == channel_id,
    )
    return (await session.execute(query.order_by(col(DigestSubscription.id)))).scalars().first()


async def active_feedback_subscriptions(session: AsyncSession) -> list[DigestSubscription]:
    """Every feedback report subscription that is not paused."""
    query = select(DigestSubscription).where(
        col(DigestSubscription.kind) == FEEDBACK_KIND,
        col(DigestSubscription.paused).is_(False),
    )
    return list((await session.execute(query.order_by(col(DigestSubscription.id)))).scalars())
