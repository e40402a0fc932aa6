"""Three real `backlog-bot run` processes on one PostgreSQL schema, every one scheduling every
digest: each slot is posted once.

One digest is already due when the three start together (each one's start-up recovery asks
for it); two more are added while they run, due at the next whole minute, and the three
schedulers fire for them at the same moment. Every digest is a main message and a few thread
parts. Afterwards each channel holds exactly one digest, every order listed once and no part
twice, and each (subscription, slot) has exactly one run, recorded as posted.

Schedules have whole minutes, so the wall time depends on when in the minute the test starts:
from about 20 to 75 seconds.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap.container import Services
from bot.sandbox.signing import SIGNING_SECRET
from bot.sandbox.web_api import FakeSlack
from storage.digests.tables import DigestRun, DigestSubscription, RunStatus
from tests.conftest import Database
from tests.kit.cli import child_env
from tests.scale.digests import (
    add_daily_digest,
    add_lagging_orders,
    runs_of,
    slot_key,
    thread_in,
    wait_posted,
)
from tests.scale.processes import bot_processes, problems

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

AT_START, ON_TRIGGER = "C0DIGSTART", ("C0DIGTRIGA", "C0DIGTRIGB")
# A digest added while the processes run is due at the first whole minute at least this far
# ahead: the sweeps (every second) must have scheduled it in all three processes by then.
LEAD_SECONDS = 5
POST_SECONDS = 45  # from the slot to the last digest posted, on two busy cores
QUIET_SECONDS = 3  # sweeps every second after the last post: time for any repeat to show


def next_minute(after: datetime) -> datetime:
    """The first whole minute at least LEAD_SECONDS after `after`."""
    ahead = after + timedelta(seconds=LEAD_SECONDS)
    return ahead.replace(second=0, microsecond=0) + timedelta(minutes=1)


async def test_three_processes_post_each_digest_slot_once(
    empty_schema: Database, reader: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await reader.migrate()
    orders = await add_lagging_orders(reader)
    started = datetime.now(UTC)
    subs = {AT_START: await add_daily_digest(reader, AT_START, started)}
    env = child_env(
        empty_schema,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DIGEST_SWEEP_SECONDS="1",
        SLACK_MESSAGE_INTERVAL_SECONDS="0",  # pacing is tested on a virtual clock elsewhere
        LOG_LEVEL="DEBUG",  # APScheduler names each job it runs only at DEBUG (the premise below)
    )

    async with bot_processes(3, env, tmp_path) as bots:
        slot = next_minute(datetime.now(UTC))
        for channel in ON_TRIGGER:
            subs[channel] = await add_daily_digest(reader, channel, slot)
        wait = (slot - datetime.now(UTC)).total_seconds() + POST_SECONDS
        await wait_posted(reader, len(subs), wait)
        await asyncio.sleep(QUIET_SECONDS)

    runs = await runs_of(reader)
    slots = {AT_START: slot_key(started)} | {channel: slot_key(slot) for channel in ON_TRIGGER}
    expected = {(sub.id, slots[channel]) for channel, sub in subs.items()}
    assert Counter((run.subscription_id, run.slot_key) for run in runs) == dict.fromkeys(
        expected, 1
    )
    assert {run.status for run in runs} == {RunStatus.POSTED}
    by_sub = {run.subscription_id: run for run in runs}
    for channel, sub in subs.items():
        assert_one_whole_digest(fake_slack, channel, by_sub[sub.id or 0], set(orders.values()))
    await assert_all_succeeded(reader)
    assert {bot.name: problems(bot.logged()) for bot in bots} == {bot.name: [] for bot in bots}
    # The premise: every scheduler fired for both digests due at the same minute.
    fired = {bot.name: bot.logged().count('Running job "DigestJobs.run_due') for bot in bots}
    assert fired == {bot.name: len(ON_TRIGGER) for bot in bots}


def assert_one_whole_digest(fake: FakeSlack, channel: str, run: DigestRun, orders: set[int]):
    """The channel shows one digest: main message, every part once in its thread, each order
    listed once; the run counts every message of it."""
    thread = thread_in(fake, channel)
    assert thread.total > 2, channel  # a thread of several parts, as the test means
    assert thread.parts == list(range(2, thread.total + 1)), channel
    assert thread.listed() == Counter(dict.fromkeys(orders, 1)), channel
    assert {reply.args["thread_ts"] for reply in thread.replies} == {run.message_ts}, channel
    assert run.parts_posted == thread.total, channel


async def assert_all_succeeded(services: Services) -> None:
    """Every subscription shows a success and no error (what `/backlog digest list` shows)."""
    async with services.sessions() as session:
        subs = list((await session.execute(select(DigestSubscription))).scalars())
    assert [(s.last_success_at is not None, s.last_error) for s in subs] == [(True, None)] * 3
