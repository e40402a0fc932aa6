"""A process told to stop (a rolling deploy) finishes the job run it is in before exiting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap.container import build_services
from bot.sandbox.signing import SIGNING_SECRET
from bot.sandbox.web_api import FakeSlack
from storage.alerts.tables import Alert, AlertStatus
from tests.kit.cli import child_env
from tests.kit.common import order_row, seed_orders
from tests.scale.processes import bot_processes

pytestmark = pytest.mark.slow


async def test_stopping_lets_the_alert_run_in_progress_finish(
    tmp_path: Path, fake_slack: FakeSlack
):
    database_url = f"sqlite:///{tmp_path / 'stop.db'}"
    seeded = build_services(database_url)
    await seeded.migrate()
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    await seed_orders(seeded, tmp_path, [order_row(team="emea", promised_date=str(yesterday))])
    # The thread's first message takes two seconds: the stop arrives in the middle of the run.
    fake_slack.slow_next("chat.postMessage", 2)
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=database_url,
        TEAM_CHANNELS="emea=C0EMEA",
    )

    async with bot_processes(1, env, tmp_path) as [bot]:
        async with asyncio.timeout(30):
            while not fake_slack.calls_to("chat.postMessage"):  # noqa: ASYNC110 - polling the fake
                await asyncio.sleep(0.05)
        code = await bot.stop()

    async with seeded.sessions() as session:
        [alert] = (await session.execute(select(Alert))).scalars()
    await seeded.close()
    assert code == 0
    assert [c.args.get("thread_ts") is None for c in fake_slack.calls_to("chat.postMessage")] == [
        True,
        False,
    ]
    assert alert.status == AlertStatus.POSTED
    assert " ERROR " not in bot.logged()
