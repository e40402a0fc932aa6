"""The orders listeners' `bot`: SO-1001 of team emea with a rep, a viewer and a lead (modules that
need another arrangement define their own `bot`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap.container import Services
from bot.sandbox.web_api import FakeSlack
from bot.services.core.roles import Role, RoleBook
from bot.services.core.teams import TeamChannels
from bot.services.orders.actions import OrderActions
from tests.kit.common import order_row, seed_orders
from tests.kit.menu import LEAD, REP, VIEWER
from tests.kit.running_bot import RunningBot, running_bot


@pytest.fixture(name="bot")
async def menu_bot(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """SO-1001 of team emea (channel C0EMEA), owned by REP; LEAD is an admin."""
    services.roles = RoleBook(
        admins=frozenset({LEAD}), viewers=frozenset({VIEWER}), default=Role.REP
    )
    services.actions = OrderActions(
        services.sessions, services.clock, services.orders.zone, services.roles
    )
    services.teams = TeamChannels({"emea": "C0EMEA"})
    await seed_orders(
        services, tmp_path, [order_row(team="emea", owner=REP, promised_date="2026-11-25")]
    )
    async with running_bot(services, fake_slack) as running:
        yield running
