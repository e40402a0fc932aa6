"""Everything the entry points call, built once from a database URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.alerts.service import AlertService
from bot.services.core.clock import Clock
from bot.services.core.event_receipts import EventReceipts
from bot.services.core.health import HealthService
from bot.services.core.roles import RoleBook
from bot.services.core.tallies import Tallies
from bot.services.core.teams import TeamChannels
from bot.services.digests import Digests, build_digests
from bot.services.digests.claims import LEASE
from bot.services.feedback.digests import FeedbackDigests
from bot.services.feedback.service import FeedbackService
from bot.services.home.admin_panels import AdminPanels
from bot.services.home.dashboard import HomeService
from bot.services.home.team_figures import TeamFiguresService
from bot.services.ingest import IngestService
from bot.services.ingest.csv_import.service import ImportService
from bot.services.orders.actions import OrderActions
from bot.services.orders.customer_updates import CustomerUpdates, HelpdeskOutbox
from bot.services.orders.lagging import LagRules
from bot.services.orders.reader import OrderReader
from bot.services.sync import SyncService, SyncSetup
from bot.services.sync.health import SyncServiceHealth
from storage.core.engine import create_engine, session_factory
from storage.core.migrate import upgrade
from storage.core.pool import PoolBudget
from storage.core.reads import read_sessions_for
from storage.orders.card_reads import CardReads, card_reads_for
from storage.orders.tables import utcnow


@dataclass
class Services:
    """The service layer: one instance per process, shared by listeners, jobs, API and CLI."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    health: HealthService
    importer: ImportService
    ingest: IngestService
    orders: OrderReader
    actions: OrderActions
    roles: RoleBook
    teams: TeamChannels
    feedback: FeedbackService
    feedback_digests: FeedbackDigests
    cards: CardReads
    alerts: AlertService
    sync: SyncService
    home: HomeService
    customer_updates: CustomerUpdates
    event_receipts: EventReceipts
    digests: Digests
    tallies: Tallies  # what this process did, for /metrics

    async def migrate(self) -> None:
        """Bring the schema up to date."""
        await upgrade(self.engine)

    async def close(self) -> None:
        await self.home.figures.settle()  # a refresh in flight finishes before the engine goes
        await self.sync.close()
        await self.cards.close()
        await self.orders.close()
        await self.engine.dispose()


def build_services(
    database_url: str,
    *,
    clock: Clock = utcnow,
    schema: str | None = None,
    zone: tzinfo = UTC,
    roles: RoleBook | None = None,
    team_channels: Mapping[str, str] | None = None,
    upstream: SyncSetup | None = None,
    helpdesk: HelpdeskOutbox | None = None,
    rules: LagRules | None = None,
    digest_lease: timedelta = LEASE,
    pool: PoolBudget | None = None,
) -> Services:
    """Wire the services to one database; `zone` decides what "today" is for the rules.

    Without `roles` everyone is a rep; without `team_channels` no order gets a thread;
    without `upstream` the sync is off; without `helpdesk` customer updates are drafted for
    copying only; without `rules` the lag rules' defaults apply (no holidays). A digest claim
    not renewed for `digest_lease` is taken over by another process. On PostgreSQL the process
    holds at most `pool.total` connections (10 by default) across its pools.
    """
    pool = pool or PoolBudget()
    engine = create_engine(database_url, schema=schema, pool=pool)
    tallies = Tallies()
    sessions = session_factory(engine)
    cards = card_reads_for(engine, schema, pool)
    roles = roles or RoleBook()
    teams = TeamChannels(dict(team_channels or {}))
    feedback = FeedbackService(sessions, clock, zone, roles)
    reads = read_sessions_for(engine, sessions, database_url, schema, pool)
    orders = OrderReader(sessions, cards, clock, zone, rules or LagRules(), reads=reads)
    actions = OrderActions(sessions, clock, zone, roles)
    sync = SyncService(
        sessions,
        clock,
        zone,
        source=upstream.source if upstream else None,
        mapping=upstream.mapping if upstream else None,
        plan=upstream.plan if upstream else None,
        tallies=tallies,
    )
    return Services(
        engine=engine,
        sessions=sessions,
        clock=clock,
        health=HealthService(sessions),
        importer=ImportService(engine, sessions, clock),
        ingest=IngestService(sessions, clock, zone),
        orders=orders,
        actions=actions,
        roles=roles,
        feedback=feedback,
        feedback_digests=FeedbackDigests(sessions, clock, zone, roles),
        teams=teams,
        cards=cards,
        alerts=AlertService(sessions, clock, zone, teams, tallies=tallies),
        sync=sync,
        home=_home(sessions, clock, orders, roles, sync),
        customer_updates=CustomerUpdates(sessions, clock, zone, actions, roles, helpdesk),
        event_receipts=EventReceipts(sessions, clock),
        digests=build_digests(
            sessions,
            clock,
            zone,
            orders.rules,
            threats=feedback.open_cancellation_threats,
            freshness=sync.digest_freshness,
            lease=digest_lease,
            tallies=tallies,
        ),
        tallies=tallies,
    )


def _home(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    orders: OrderReader,
    roles: RoleBook,
    sync: SyncService,
) -> HomeService:
    """The App Home: the reader's lag rules for the team figures, the sync's health for admins."""
    figures = TeamFiguresService(sessions, clock, orders.zone, orders.rules)
    admin = AdminPanels(sessions, clock, SyncServiceHealth(sync))
    return HomeService(sessions, clock, orders, figures, roles, admin)
