"""The digest listeners' `bot`: a running bot whose fake Slack knows the digest channels."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.bootstrap.container import Services
from bot.sandbox.web_api import FakeSlack
from bot.services.core.roles import RoleBook
from bot.services.orders.actions import OrderActions
from tests.kit.digest_modal import LEAD, REP, VIEWER
from tests.kit.running_bot import RunningBot, running_bot


@pytest.fixture(name="bot")
async def digest_bot(services: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    """LEAD is an admin, VIEWER a viewer, the others reps; REP is a member of C0DIGEST."""
    services.roles = RoleBook(admins=frozenset({LEAD}), viewers=frozenset({VIEWER}))
    services.actions = OrderActions(
        services.sessions, services.clock, services.orders.zone, services.roles
    )
    fake_slack.set_response(
        "conversations.members",
        {"members": [REP, VIEWER], "response_metadata": {"next_cursor": ""}},
    )
    async with running_bot(services, fake_slack) as running:
        yield running
