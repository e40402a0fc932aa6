"""Everything the entry points call, built once from a database URL."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.actions import OrderActions
from bot.services.digests import Digests, build_digests
from bot.services.health import HealthService
from bot.services.importer.service import ImportService
from bot.services.lagging import LagRules
from bot.services.orders import OrderReader
from bot.services.roles import RoleBook
from bot.services.teams import TeamChannels
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import utcnow

Clock = Callable[[], datetime]


@dataclass
class Services:
    """The service layer: one instance per process, shared by listeners, jobs, API and CLI."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    health: HealthService
    importer: ImportService
    orders: OrderReader
    actions: OrderActions
    roles: RoleBook
    teams: TeamChannels
    digests: Digests

    async def migrate(self) -> None:
        """Bring the schema up to date."""
        await upgrade(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()


def build_services(
    database_url: str,
    *,
    clock: Clock = utcnow,
    schema: str | None = None,
    zone: tzinfo = UTC,
    roles: RoleBook | None = None,
    team_channels: Mapping[str, str] | None = None,
    rules: LagRules | None = None,
) -> Services:
    """Wire the services to one database; `zone` decides what "today" is for the rules.

    Without `roles` everyone is a rep; without `team_channels` no order gets a thread;
    without `rules` the lag rules' defaults apply (no holidays).
    """
    engine = create_engine(database_url, schema=schema)
    sessions = session_factory(engine)
    roles = roles or RoleBook()
    return Services(
        engine=engine,
        sessions=sessions,
        clock=clock,
        health=HealthService(sessions),
        importer=ImportService(engine, sessions, clock),
        orders=OrderReader(sessions, clock, zone, rules),
        actions=OrderActions(sessions, clock, zone, roles),
        roles=roles,
        teams=TeamChannels(dict(team_channels or {})),
        digests=build_digests(sessions, clock, zone, rules),
    )
