"""Reading orders: the card of one order, pages of open orders, the audit trail."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.calendar import business_days_between
from bot.services.lagging import LagKind, LagRules, customer_told, lag_reasons
from storage import lookups
from storage.lookups import OrderFilter as OrderFilter  # re-exported for listeners
from storage.models import EventKind, Order, OrderEvent

NOTE_KINDS = (EventKind.NOTE_ADDED.value, EventKind.CONTACT_LOGGED.value)
SUGGESTIONS = 5


class OrderNotFound(LookupError):
    """No order has that id; `suggestions` are ids that look close."""

    def __init__(self, external_id: str, suggestions: list[Order]) -> None:
        super().__init__(external_id)
        self.external_id = external_id
        self.suggestions = suggestions


@dataclass(frozen=True)
class OrderSummary:
    """An order with what the rules say about it today."""

    order: Order
    lagging: list[LagKind]
    customer_told: bool
    age_business_days: int


@dataclass(frozen=True)
class OrderDetail(OrderSummary):
    """An order card: the summary plus its latest notes and contacts."""

    notes: list[OrderEvent]


@dataclass(frozen=True)
class OrderPage:
    """One page of a listing."""

    items: list[OrderSummary]
    total: int
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        following = self.offset + self.limit
        return following if following < self.total else None


class OrderReader:
    """Read-only order queries, evaluated against one clock and one set of lag rules."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        rules: LagRules | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.zone = zone
        self._rules = rules or LagRules()

    def today(self) -> date:
        return self._clock().astimezone(self.zone).date()

    @property
    def rules(self) -> LagRules:
        """The lag rules this reader judges orders by."""
        return self._rules

    async def detail(self, external_id: str) -> OrderDetail:
        """The order card's data; OrderNotFound with close matches otherwise."""
        async with self._sessions() as session:
            order = await lookups.order_by_external_id(session, external_id.strip())
            if order is None:
                raise OrderNotFound(external_id, await self._suggest(session, external_id))
            assert order.id is not None
            notes = await lookups.notes_of(session, order.id, NOTE_KINDS, limit=3)
        summary = self.summarise(order)
        return OrderDetail(**vars(summary), notes=notes)

    async def page(self, where: OrderFilter, offset: int = 0, limit: int = 10) -> OrderPage:
        """Open orders matching `where`, most overdue first."""
        async with self._sessions() as session:
            orders, total = await lookups.open_orders(session, where, offset, limit)
        return OrderPage([self.summarise(o) for o in orders], total, offset, limit)

    async def overdue(self, where: OrderFilter, offset: int = 0, limit: int = 10) -> OrderPage:
        """Open orders past their ETA (or promise), most overdue first."""
        return await self.page(
            OrderFilter(**{**vars(where), "overdue_on": self.today()}), offset, limit
        )

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
            customer_told=customer_told(order, today),
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
