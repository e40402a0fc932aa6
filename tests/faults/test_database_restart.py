"""PostgreSQL restarted under a running bot: the next command, save and job run just work.

The shared test server must stay up for other runs, so a restart is what the bot sees of one:
every connection it holds is terminated (pg_terminate_backend) between two requests. The
engine's pool pings before reuse; the card reads' pool and the listings' read engine (no
pre-ping) retry once on a dead connection.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.blocks.kit import ids
from bot.bootstrap.container import Services, build_services
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from storage.alerts.tables import AlertStatus
from storage.core import reads
from storage.core.engine import create_engine
from storage.orders import card_reads
from tests.conftest import POSTGRES_URL, Database
from tests.kit.alerts import alerts_of, run_alert_job, thread_lines
from tests.kit.card import REP, card, command, eta_state, events, open_modal, submit
from tests.kit.common import FixedClock, configure_roles_and_teams, order_row, seed_orders
from tests.kit.running_bot import running_bot


class Restartable:
    """Services whose connections carry a name of their own, so that only they are cut."""

    def __init__(self, database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch):
        self.name = f"backlog-faults-{uuid.uuid4().hex[:8]}"
        monkeypatch.setattr(card_reads, "APPLICATION_NAME", f"{self.name} card reads")
        monkeypatch.setattr(reads, "APPLICATION_NAME", f"{self.name} reads")
        self.services = build_services(POSTGRES_URL, clock=clock, schema=database.schema)
        event.listen(self.services.engine.sync_engine, "do_connect", self._named)

    def _named(self, dialect: Any, record: Any, args: Any, params: dict[str, Any]) -> None:
        params.setdefault("server_settings", {})["application_name"] = self.name

    async def restart(self) -> int:
        """Terminate every connection of these services; how many there were."""
        return len(await self.restart_naming())

    async def restart_naming(self) -> list[str]:
        """Terminate every connection of these services; their application names."""
        admin = create_engine(POSTGRES_URL)
        query = text(  # only these services' connections, chosen before any is cut
            "WITH ours AS MATERIALIZED (SELECT pid, application_name FROM pg_stat_activity"
            " WHERE application_name LIKE :name)"
            " SELECT application_name FROM ours WHERE pg_terminate_backend(pid, 5000)"
        )
        try:
            async with admin.connect() as conn:
                return list((await conn.scalars(query, {"name": f"{self.name}%"})).all())
        finally:
            await admin.dispose()


@pytest.fixture
async def restartable(
    database: Database, services: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Restartable]:
    """Named services on the emptied schema of `services` (whose own pool is left alone)."""
    built = Restartable(database, clock, monkeypatch)
    yield built
    await built.services.close()


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_postgres_restart_between_requests_is_survived_without_a_human(
    restartable: Restartable,
    fake_slack: FakeSlack,
    slack_requests: SlackRequests,
    clock: FixedClock,
    tmp_path: Path,
):
    services = restartable.services
    configure_roles_and_teams(services, teams={"emea": "C0EMEA"})
    await seed_orders(services, tmp_path, [order_row(team="emea", owner=REP)])  # overdue

    async with running_bot(services, fake_slack) as bot:
        view = await open_modal(bot, slack_requests, ids.ETA_ACTION, user=REP)
        cut_before_save = await restartable.restart()
        answer = await submit(bot, slack_requests, view, eta_state("2026-11-27"))
        cut_before_command = await restartable.restart()
        looked_up = await card(bot, slack_requests)
        listed_before = await command(bot, slack_requests, "mine", user=REP)
        cut_before_listing = await restartable.restart_naming()
        listed_after = await command(bot, slack_requests, "mine", user=REP)
        cut_before_job = await restartable.restart()
        clock.advance(days=4)  # 2026-11-28: overdue again, past the new ETA
        await run_alert_job(services, fake_slack)

    assert cut_before_save >= 2  # the engine's pool and the card reads' pool
    assert cut_before_command >= 1 and cut_before_job >= 1
    assert f"{restartable.name} reads" in cut_before_listing  # the listings' own engine
    assert listed_after["text"] == listed_before["text"]
    assert "SO-1001" in json.dumps(listed_after["blocks"])
    assert answer == {}
    assert len(await events(services, "eta_changed")) == 1
    assert "2026-11-27" in looked_up["text"]
    assert [alert.status for alert in await alerts_of(services)] == [AlertStatus.POSTED] * 2
    assert len(thread_lines(fake_slack)) == 2  # the card's slip, then the job's overdue line
