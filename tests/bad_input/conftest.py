"""Bad-input tests: a seeded running bot on SQLite (the database work behind these Slack-edge
refusals is tested on both backends by tests/services and tests/storage)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap.container import Services
from bot.sandbox.web_api import FakeSlack
from tests.conftest import Database, sqlite_database
from tests.kit.common import configure_roles_and_teams, order_row, seed_orders
from tests.kit.fuzz import ORDER_IDS, REP, VIEWER
from tests.kit.running_bot import RunningBot, running_bot


@pytest.fixture
async def bot(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """SO-1001 (emea, owned by REP) and SO-1002; VIEWER may only look."""
    configure_roles_and_teams(services, viewers=frozenset({VIEWER}), teams={"emea": "C0EMEA"})
    rows = [
        order_row(order_id=ORDER_IDS[0], team="emea", owner=REP, promised_date="2026-11-25"),
        order_row(order_id=ORDER_IDS[1], customer="Globex Labs", supplier="Globex"),
    ]
    await seed_orders(services, tmp_path, rows)
    async with running_bot(services, fake_slack) as running:
        yield running


@pytest.fixture
def database(tmp_path: Path) -> Database:
    """SQLite only (see the module docstring)."""
    return sqlite_database(tmp_path)
