"""Logging customer feedback, classifying it later, type-ahead, threats and the trend report."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.errors import OrderNotFound
from bot.services.core.roles import Role, RoleBook
from bot.services.feedback.entries import (
    FeedbackEntry,
    FeedbackInput,
    FeedbackNotFound,
    LoggedFeedback,
    TargetSuggestions,
    classification,
    customer_name,
    entry_of,
    feedback_text,
)
from bot.services.feedback.report import FeedbackReport, Period, ReportRow, summarise
from storage.feedback import queries as feedback_queries
from storage.feedback.tables import Feedback, FeedbackTag, Sentiment
from storage.orders import lookups, queries
from storage.orders.tables import EventKind, EventSource, Order, OrderEvent

# The same note by the same rep this soon is a double submit, not new feedback.
REPEAT_WINDOW = timedelta(minutes=1)
SUGGESTED_ORDERS = 10
SUGGESTED_CUSTOMERS = 5
_REASON_CHARS = 200


class FeedbackService:
    """Customer feedback on orders (or on customers without one), and what it adds up to."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        roles: RoleBook,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.zone = zone
        self._roles = roles

    async def log(self, given: FeedbackInput, *, actor: str) -> LoggedFeedback:
        """Store a note, and an event in its order's history; a double submit writes once."""
        self._roles.require(actor, Role.REP, action="log customer feedback")
        text, now = feedback_text(given.text), self._clock()
        async with self._sessions() as session, session.begin():
            order = await _order(session, given.external_id) if given.external_id else None
            row = Feedback(
                order_id=order.id if order else None,
                customer=order.customer if order else customer_name(given.customer),
                text=text, sentiment=given.sentiment, author=given.author, logged_by=actor,
                follow_up_owner=given.follow_up_owner, channel_id=given.channel_id,
                message_ts=given.message_ts, permalink=given.permalink,
                created_at=now, updated_at=now,
            )  # fmt: skip
            repeat = await feedback_queries.repeat_of(session, row, now - REPEAT_WINDOW)
            if repeat is not None:
                return LoggedFeedback(await _entry(session, repeat, order), duplicate=True)
            await feedback_queries.add_feedback(session, row, given.tags)
            if order is not None:
                summary = classification(given.sentiment, given.tags)
                session.add(_event(row, actor, EventKind.FEEDBACK_LOGGED, None, summary, text))
            return LoggedFeedback(await _entry(session, row, order))

    async def classify(
        self,
        feedback_id: int,
        sentiment: Sentiment,
        tags: frozenset[FeedbackTag],
        follow_up_owner: str | None,
        *,
        actor: str,
    ) -> LoggedFeedback:
        """Set a note's sentiment, tags and follow-up owner (the card's Edit button)."""
        self._roles.require(actor, Role.REP, action="classify customer feedback")
        async with self._sessions() as session, session.begin():
            row = await feedback_queries.feedback_by_id(session, feedback_id)
            if row is None:
                raise FeedbackNotFound(feedback_id)
            order = await queries.order_by_id(session, row.order_id) if row.order_id else None
            before = await _entry(session, row, order)
            if (before.sentiment, set(before.tags), before.follow_up_owner) == (
                sentiment, set(tags), follow_up_owner,
            ):  # fmt: skip
                return LoggedFeedback(before, duplicate=True)
            row.sentiment, row.follow_up_owner = sentiment, follow_up_owner
            row.updated_at = self._clock()
            await feedback_queries.replace_tags(session, feedback_id, tags)
            if order is not None:
                after = classification(sentiment, tags)
                event = _event(row, actor, EventKind.FEEDBACK_UPDATED, before.summary, after, None)
                session.add(event)
            return LoggedFeedback(await _entry(session, row, order))

    async def suggest(self, typed: str) -> TargetSuggestions:
        """Open orders by id prefix or customer, and customers, for the order picker."""
        async with self._sessions() as session:
            orders = await feedback_queries.open_orders_like(session, typed, SUGGESTED_ORDERS)
            customers = (
                await feedback_queries.customers_like(session, typed, SUGGESTED_CUSTOMERS)
                if typed.strip()
                else []
            )
        return TargetSuggestions([(o.external_id, o.customer) for o in orders], customers)

    async def open_cancellation_threats(
        self, order_ids: Collection[int] | None = None, since: datetime | None = None
    ) -> dict[int, str]:
        """Order id (database id) -> why it is at risk, for open orders a customer threatened
        to cancel (the latest threat each); `order_ids` limits the orders, `since` the notes.
        """
        async with self._sessions() as session:
            found = await feedback_queries.threats_on_open_orders(session, order_ids, since)
        reasons: dict[int, str] = {}
        for order, note in found:
            assert order.id is not None
            reasons.setdefault(order.id, self._reason(note))
        return reasons

    async def report(
        self, days: int, team: str | None = None, *, end: datetime | None = None
    ) -> FeedbackReport:
        """Counts by sentiment and tag against the period before, delay hot spots, threats."""
        period = Period.ending(end or self._clock(), days)
        async with self._sessions() as session:
            found = await feedback_queries.feedback_between(
                session, period.previous_start, period.end, team
            )
            ids = [row.id for row, _ in found if row.id is not None]
            tags = await feedback_queries.tags_of(session, ids)
        rows = [_report_row(row, order, tags) for row, order in found]
        return summarise(rows, period, team.strip() if team else None)

    def _reason(self, note: Feedback) -> str:
        said = " ".join(note.text.split())
        if len(said) > _REASON_CHARS:
            said = said[: _REASON_CHARS - 1] + "…"
        day = note.created_at.astimezone(self.zone).date().isoformat()
        return f"Customer threatened to cancel ({day}): {said}"


async def _order(session: AsyncSession, external_id: str) -> Order:
    order = await lookups.order_by_external_id(session, external_id.strip())
    if order is None:
        raise OrderNotFound(external_id, [])
    return order


async def _entry(session: AsyncSession, row: Feedback, order: Order | None) -> FeedbackEntry:
    assert row.id is not None
    tags = await feedback_queries.tags_of(session, [row.id])
    return entry_of(row, tags.get(row.id, []), order.external_id if order else None)


def _event(
    row: Feedback, actor: str, kind: EventKind, old: str | None, new: str, note: str | None
) -> OrderEvent:
    assert row.order_id is not None
    return OrderEvent(
        order_id=row.order_id, at=row.updated_at, actor=actor, source=EventSource.SLACK,
        kind=kind, field="feedback", old_value=old, new_value=new, note=note,
    )  # fmt: skip


def _report_row(row: Feedback, order: Order | None, tags: dict[int, list[str]]) -> ReportRow:
    assert row.id is not None
    entry = entry_of(row, tags.get(row.id, []), order.external_id if order else None)
    if order is None:
        return ReportRow(entry)
    return ReportRow(entry, order.supplier, order.sku, order.is_open)
