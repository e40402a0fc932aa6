"""Reading orders: the card of one order, pages of open orders, the audit trail."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.calendar import business_days_between
from bot.services.core.errors import OrderNotFound
from bot.services.feedback.entries import FeedbackEntry, entry_of
from bot.services.orders.lagging import LagKind, LagRules, customer_told, lag_reasons
from bot.services.orders.listing_totals import ListingTotals
from storage.core.reads import ReadSessions
from storage.orders import lookups
from storage.orders.card_reads import CardQuery, CardReads
from storage.orders.lookups import OrderFilter as OrderFilter  # re-exported for listeners
from storage.orders.tables import EventKind, Order, OrderEvent, OrderStatus

NOTE_KINDS = (EventKind.NOTE_ADDED.value, EventKind.CONTACT_LOGGED.value)
SUGGESTIONS = 5
CARD_FEEDBACK = 2  # customer feedback notes on the card
CARD_QUERY = CardQuery(NOTE_KINDS, notes=3, feedback=CARD_FEEDBACK)
# A scan reads at most SCAN_CHUNKS * SCAN_CHUNK rows per page: a filter the database cannot
# apply (the lag rules) then answers with a short page and a cursor instead of a long wait.
SCAN_CHUNK = 500
SCAN_CHUNKS = 10


@dataclass(frozen=True)
class OrderSummary:
    """An order with what the rules say about it today."""

    order: Order
    lagging: list[LagKind]
    customer_told: bool
    age_business_days: int


@dataclass(frozen=True)
class OrderDetail(OrderSummary):
    """An order card: the summary plus its latest notes, contacts and customer feedback."""

    notes: list[OrderEvent]
    feedback: list[FeedbackEntry] = field(default_factory=list)


@dataclass(frozen=True)
class OrderPage:
    """One page of a listing."""

    items: list[OrderSummary]
    total: int  # a large total may be a few seconds old (bot.services.orders.listing_totals)
    offset: int
    limit: int
    more: bool = False  # another page follows

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.more else None


@dataclass(frozen=True)
class OrderScan:
    """One page of a scan by order id; `next_after` continues it (None: nothing is left)."""

    items: list[OrderSummary]
    next_after: str | None


class OrderReader:
    """Read-only order queries, evaluated against one clock and one set of lag rules."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        cards: CardReads,
        clock: Callable[[], datetime],
        zone: tzinfo,
        rules: LagRules | None = None,
        totals: ListingTotals | None = None,
        reads: ReadSessions | None = None,
    ) -> None:
        self._sessions = sessions
        self._reads = reads or ReadSessions(sessions)
        self._cards = cards
        self._clock = clock
        self.zone = zone
        self._rules = rules or LagRules()
        self._totals = totals or ListingTotals(clock)

    async def close(self) -> None:
        await self._reads.close()

    def today(self) -> date:
        return self._clock().astimezone(self.zone).date()

    @property
    def rules(self) -> LagRules:
        """The lag rules this reader judges orders by."""
        return self._rules

    async def detail(self, external_id: str) -> OrderDetail:
        """The order card's data; OrderNotFound with close matches otherwise."""
        rows = await self._cards.order_card(external_id.strip(), CARD_QUERY)
        if rows is None:
            raise OrderNotFound(external_id, await self.suggest(external_id))
        order, notes = rows.order, rows.notes
        feedback = [entry_of(f, tags, order.external_id) for f, tags in rows.feedback]
        summary = self.summarise(order)
        return OrderDetail(**vars(summary), notes=notes, feedback=feedback)

    async def page(self, where: OrderFilter, offset: int = 0, limit: int = 10) -> OrderPage:
        """Open orders matching `where`, most overdue first."""
        recent = self._totals.recent(where)

        async def read(session: AsyncSession) -> lookups.OpenOrders:
            found = await lookups.open_orders(session, where, offset, limit, count=recent is None)
            if not found.orders and found.total is None:  # past the end: say exactly how far
                found = await lookups.open_orders(session, where, offset, limit)
            return found

        found = await self._reads.run(read)
        if found.total is not None:
            self._totals.counted(where, found.total)
        shown = offset + len(found.orders)
        if found.more:  # a remembered total never claims fewer orders than were just read
            total = max(found.total or recent or 0, shown + 1)
        else:
            total = found.total if found.total is not None else shown
        items = [self.summarise(o) for o in found.orders]
        return OrderPage(items, total, offset, limit, found.more)

    async def overdue(self, where: OrderFilter, offset: int = 0, limit: int = 10) -> OrderPage:
        """Open orders past their ETA (or promise), most overdue first."""
        return await self.page(
            OrderFilter(**{**vars(where), "overdue_on": self.today()}), offset, limit
        )

    async def scan(
        self,
        statuses: frozenset[OrderStatus],
        lagging: bool | None,
        after: str | None,
        limit: int,
    ) -> OrderScan:
        """Orders of any status in `statuses` (all when empty) after id `after`, by id.

        `lagging` keeps only orders the lag rules flag (True) or do not flag (False).
        """
        found: list[OrderSummary] = []
        cursor = after
        awake = self._clock() if lagging else None  # closed or snoozed orders never lag
        async with self._sessions() as session:
            for _ in range(SCAN_CHUNKS):
                chunk = await lookups.scan_orders(session, cursor, statuses, awake, SCAN_CHUNK)
                for order in chunk:
                    if len(found) == limit:
                        return OrderScan(found, cursor)
                    cursor = order.external_id
                    summary = self.summarise(order)
                    if lagging is None or bool(summary.lagging) is lagging:
                        found.append(summary)
                if len(chunk) < SCAN_CHUNK:
                    return OrderScan(found, None)
        return OrderScan(found, cursor)

    async def history(self, external_id: str) -> tuple[Order, list[OrderEvent]]:
        """The order and its whole audit trail, newest first."""
        async with self._sessions() as session:
            order = await lookups.order_by_external_id(session, external_id.strip())
            if order is None:
                raise OrderNotFound(external_id, await self._suggest(session, external_id))
            assert order.id is not None
            return order, await lookups.events_of(session, order.id)

    def summarise(self, order: Order) -> OrderSummary:
        today = self.today()
        return OrderSummary(
            order=order,
            lagging=lag_reasons(order, self._clock(), today, self._rules, self.zone),
            customer_told=customer_told(order, today, self.zone),
            age_business_days=business_days_between(
                order.ordered_at.astimezone(self.zone).date(),
                today,
                self._rules.holidays_for(order.team),
            ),
        )

    async def suggest(self, text: str) -> list[Order]:
        """Orders whose id or customer looks like `text`, closest first."""
        async with self._sessions() as session:
            return await self._suggest(session, text)

    async def _suggest(self, session: AsyncSession, text: str) -> list[Order]:
        candidates = await lookups.similar_orders(session, text.strip(), limit=SUGGESTIONS * 4)
        ranked = sorted(
            candidates,
            key=lambda o: (
                -difflib.SequenceMatcher(None, text.lower(), o.external_id.lower()).ratio()
            ),
        )
        return ranked[:SUGGESTIONS]
