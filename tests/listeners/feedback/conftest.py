"""The feedback listeners' `bot`: a running bot with orders to log feedback on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap.container import Services
from bot.sandbox.web_api import FakeSlack
from tests.kit.common import configure_roles_and_teams, order_row, seed_orders
from tests.kit.feedback import REP, VIEWER
from tests.kit.running_bot import RunningBot, running_bot


@pytest.fixture(name="bot")
async def feedback_bot(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """SO-1001 (Acme Hospital, emea) and SO-1002 (Globex Labs); VIEWER may only look."""
    configure_roles_and_teams(services, viewers=frozenset({VIEWER}), teams={"emea": "C0EMEA"})
    await seed_orders(
        services,
        tmp_path,
        [
            order_row(team="emea", owner=REP, promised_date="2026-11-25", supplier="Globex"),
            order_row(order_id="SO-1002", customer="Globex Labs", promised_date="2026-11-20"),
        ],
    )
    async with running_bot(services, fake_slack) as running:
        yield running
