"""Named queries on customer feedback: notes, their tags, report rows, threats, subscriptions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.feedback.tables import Feedback, FeedbackTag, FeedbackTagLink
from storage.orders.tables import Order

_DUE = func.coalesce(col(Order.current_eta), col(Order.promised_date))


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def add_feedback(
    session: AsyncSession, feedback: Feedback, tags: Iterable[FeedbackTag]
) -> Feedback:
    """Insert the note and its tags; the note comes back with its id."""
    session.add(feedback)
    await session.flush()
    assert feedback.id is not None
    session.add_all(FeedbackTagLink(feedback_id=feedback.id, tag=tag) for tag in set(tags))
    await session.flush()
    return feedback


async def replace_tags(
    session: AsyncSession, feedback_id: int, tags: Iterable[FeedbackTag]
) -> None:
    """Make the note's tags exactly `tags`."""
    await session.execute(
        delete(FeedbackTagLink).where(col(FeedbackTagLink.feedback_id) == feedback_id)
    )
    session.add_all(FeedbackTagLink(feedback_id=feedback_id, tag=tag) for tag in set(tags))
    await session.flush()


async def feedback_by_id(session: AsyncSession, feedback_id: int) -> Feedback | None:
    """One note as stored now."""
    query = select(Feedback).where(col(Feedback.id) == feedback_id)
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def tags_of(session: AsyncSession, feedback_ids: Collection[int]) -> dict[int, list[str]]:
    """The tags of each note (notes without tags are absent)."""
    if not feedback_ids:
        return {}
    query = select(FeedbackTagLink).where(col(FeedbackTagLink.feedback_id).in_(feedback_ids))
    found: defaultdict[int, list[str]] = defaultdict(list)
    for link in (await session.execute(query)).scalars():
        found[link.feedback_id].append(str(link.tag))
    return dict(found)


async def repeat_of(session: AsyncSession, feedback: Feedback, since: datetime) -> Feedback | None:
    """The same note by the same rep on the same order or customer since `since`, if any."""
    same_target = (
        col(Feedback.order_id) == feedback.order_id
        if feedback.order_id is not None
        else and_(col(Feedback.order_id).is_(None), col(Feedback.customer) == feedback.customer)
    )
    query = select(Feedback).where(
        same_target,
        col(Feedback.logged_by) == feedback.logged_by,
        col(Feedback.text) == feedback.text,
        col(Feedback.created_at) >= since,
    )
    return (await session.execute(query.limit(1))).scalars().first()


async def feedback_between(
    session: AsyncSession, start: datetime, end: datetime, team: str | None
) -> list[tuple[Feedback, Order | None]]:
    """Notes logged in [start, end), each with its order; `team` keeps only that team's orders."""
    query = (
        select(Feedback, Order)
        .join(Order, col(Order.id) == col(Feedback.order_id), isouter=True)
        .where(col(Feedback.created_at) >= start, col(Feedback.created_at) < end)
        .order_by(col(Feedback.created_at).desc(), col(Feedback.id).desc())
    )
    if team:
        query = query.where(func.lower(col(Order.team)) == team.strip().lower())
    return [(row[0], row[1]) for row in await session.execute(query)]


async def threats_on_open_orders(
    session: AsyncSession, order_ids: Collection[int] | None, since: datetime | None
) -> list[tuple[Order, Feedback]]:
    """Cancellation threats on orders still open, newest first (several per order possible)."""
    query = (
        select(Order, Feedback)
        .join(Feedback, col(Feedback.order_id) == col(Order.id))
        .join(FeedbackTagLink, col(FeedbackTagLink.feedback_id) == col(Feedback.id))
        .where(
            col(FeedbackTagLink.tag) == FeedbackTag.CANCELLATION_THREAT.value,
            col(Order.closed_at).is_(None),
        )
        .order_by(col(Feedback.created_at).desc(), col(Feedback.id).desc())
    )
    if order_ids is not None:
        query = query.where(col(Order.id).in_(list(order_ids)))
    if since is not None:
        query = query.where(col(Feedback.created_at) >= since)
    return [(row[0], row[1]) for row in await session.execute(query)]


async def open_orders_like(session: AsyncSession, text: str, limit: int) -> list[Order]:
    """Open orders whose id starts with `text` or whose customer contains it, most due first."""
    pattern = _like(text.strip())
    query = select(Order).where(col(Order.closed_at).is_(None))
    if pattern:
        query = query.where(
            col(Order.external_id).ilike(f"{pattern}%", escape="\\")
            | col(Order.customer).ilike(f"%{pattern}%", escape="\\")
        )
    query = query.order_by(_DUE, col(Order.external_id)).limit(limit)
    return list((await session.execute(query)).scalars())


async def customers_like(session: AsyncSession, text: str, limit: int) -> list[str]:
    """Customer names containing `text`, from orders and from earlier feedback, A to Z."""
    pattern = f"%{_like(text.strip())}%"
    names: set[str] = set()
    for column in (col(Order.customer), col(Feedback.customer)):
        query = select(column).where(column.ilike(pattern, escape="\\")).distinct().limit(limit)
        names.update(str(name) for name in (await session.execute(query)).scalars())
    return sorted(names, key=str.lower)[:limit]
