"""The App Home dashboard of one rep: lagging orders by why, customers to tell, snoozed orders,
open expedite requests, team figures, and for admins the digests and the sync.

A rep's orders are judged by the same lag rules as cards and digests, on the few columns the
rules read; full orders are loaded only for the rows of the pages shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.roles import Role, RoleBook
from bot.services.home.admin_panels import AdminPanel, AdminPanels
from bot.services.home.team_figures import TeamFigures, TeamFiguresService
from bot.services.orders.lagging import LagKind, due_date, lag_reasons
from bot.services.orders.reader import OrderReader, OrderSummary
from storage.home import queries as home_queries
from storage.orders.facts import OrderFacts, open_order_facts
from storage.orders.tables import ExpediteRequest, Order

T = TypeVar("T")
# Groups in the order lag_reasons lists an order's reasons: the most urgent first.
URGENCY = (
    LagKind.OVERDUE,
    LagKind.SLIPPED,
    LagKind.NO_ETA,
    LagKind.NOT_TOLD,
    LagKind.STALE,
    LagKind.AGING,
)
ADMIN_SUBSCRIPTIONS = 5


class HomeList(StrEnum):
    """The paged lists of the dashboard."""

    LAGGING = "lag"
    TO_TELL = "tell"
    SNOOZED = "snoozed"
    EXPEDITES = "expedites"


@dataclass(frozen=True)
class HomeFilter:
    """What the rep narrowed the dashboard to: one lag reason (lagging list), one team (all)."""

    kind: LagKind | None = None
    team: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; `number` counts from 0."""

    items: list[T]
    total: int
    number: int
    size: int

    @property
    def count(self) -> int:
        """How many pages there are (at least one, even when empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return (self.number + 1) * self.size < self.total


def page_within(requested: int, total: int, size: int) -> int:
    """The requested page, moved back onto the last one when the list has shrunk since."""
    last = max(0, (total - 1) // size)
    return min(max(requested, 0), last)


@dataclass(frozen=True)
class PendingExpedite:
    """An expedite request waiting for the leads, with its order."""

    request: ExpediteRequest
    order: Order


@dataclass(frozen=True)
class Dashboard:
    """Everything the Home tab shows one user."""

    user: str
    filter: HomeFilter
    lagging: Page[OrderSummary]  # sorted by first (most urgent) reason, then due date
    lag_counts: dict[LagKind, int]  # lagging orders (filtered) by their first reason
    to_tell: Page[OrderSummary]
    snoozed: Page[Order]
    expedites: Page[PendingExpedite]
    figures: TeamFigures
    teams: list[str]
    admin: AdminPanel | None


_Judged = tuple[OrderFacts, list[LagKind]]


class HomeService:
    """Reads the dashboard; the caller picks page sizes (they depend on Slack's block limit)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        orders: OrderReader,
        figures: TeamFiguresService,
        roles: RoleBook,
        admin: AdminPanels,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._orders = orders
        self.figures = figures
        self._roles = roles
        self.admin = admin

    async def dashboard(
        self,
        user: str,
        where: HomeFilter,
        pages: Mapping[HomeList, int],
        sizes: Mapping[HomeList, int],
    ) -> Dashboard:
        """The user's dashboard (orders they own, requests they made) on the requested pages."""
        judged = await self._judge_mine(user, where.team)
        lagging = [j for j in judged if where.kind is None or where.kind in j[1]]
        lagging.sort(key=lambda j: (URGENCY.index(j[1][0]), due_date(j[0]), j[0].external_id))
        to_tell = sorted(
            (j for j in judged if LagKind.NOT_TOLD in j[1]),
            key=lambda j: (due_date(j[0]), j[0].external_id),
        )
        lists = {HomeList.LAGGING: lagging, HomeList.TO_TELL: to_tell}
        chosen = {
            name: _slice(rows, pages.get(name, 0), sizes[name]) for name, rows in lists.items()
        }
        summaries = await self._summaries([j for p in chosen.values() for j in p.items])
        admin = None
        if self._roles.role_of(user) is Role.ADMIN:
            admin = await self.admin.panel(ADMIN_SUBSCRIPTIONS)
        return Dashboard(
            user=user,
            filter=where,
            lagging=_summarised(chosen[HomeList.LAGGING], summaries),
            lag_counts=dict(Counter(reasons[0] for _, reasons in lagging)),
            to_tell=_summarised(chosen[HomeList.TO_TELL], summaries),
            snoozed=await self._snoozed(user, where.team, pages, sizes[HomeList.SNOOZED]),
            expedites=await self._expedites(user, where.team, pages, sizes[HomeList.EXPEDITES]),
            figures=await self.figures.figures(where.team),
            teams=await self.figures.teams(),
            admin=admin,
        )

    async def _judge_mine(self, user: str, team: str | None) -> list[_Judged]:
        """The user's open orders that lag, each with its reasons (most urgent first)."""
        now, today = self._clock(), self._orders.today()
        judged: list[_Judged] = []
        async with self._sessions() as session:
            async for chunk in open_order_facts(session, owner=user, team=team):
                for facts in chunk:
                    reasons = lag_reasons(facts, now, today, self._orders.rules, self._orders.zone)
                    if reasons:
                        judged.append((facts, reasons))
        return judged

    async def _summaries(self, shown: list[_Judged]) -> dict[int, OrderSummary]:
        async with self._sessions() as session:
            orders = await home_queries.orders_by_ids(session, {facts.id for facts, _ in shown})
        return {order_id: self._orders.summarise(o) for order_id, o in orders.items()}

    async def _snoozed(
        self, user: str, team: str | None, pages: Mapping[HomeList, int], size: int
    ) -> Page[Order]:
        requested, now = pages.get(HomeList.SNOOZED, 0), self._clock()
        async with self._sessions() as session:
            items, total = await home_queries.snoozed_orders(
                session, user, team, now, requested * size, size
            )
            number = page_within(requested, total, size)
            if number != requested:
                items, total = await home_queries.snoozed_orders(
                    session, user, team, now, number * size, size
                )
        return Page(items, total, number, size)

    async def _expedites(
        self, user: str, team: str | None, pages: Mapping[HomeList, int], size: int
    ) -> Page[PendingExpedite]:
        requested = pages.get(HomeList.EXPEDITES, 0)
        async with self._sessions() as session:
            rows, total = await home_queries.pending_expedites(
                session, user, team, requested * size, size
            )
            number = page_within(requested, total, size)
            if number != requested:
                rows, total = await home_queries.pending_expedites(
                    session, user, team, number * size, size
                )
        return Page([PendingExpedite(r, o) for r, o in rows], total, number, size)


def _slice(rows: list[_Judged], requested: int, size: int) -> Page[_Judged]:
    number = page_within(requested, len(rows), size)
    return Page(rows[number * size : (number + 1) * size], len(rows), number, size)


def _summarised(page: Page[_Judged], summaries: dict[int, OrderSummary]) -> Page[OrderSummary]:
    items = [summaries[facts.id] for facts, _ in page.items if facts.id in summaries]
    return Page(items, page.total, page.number, page.size)
