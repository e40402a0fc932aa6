"""A bot process killed (SIGKILL) while it posts a digest: another finishes it, nobody steps in.

One real `backlog-bot run` process claims a due digest of 60 lagging orders (a main message and
a few thread parts) and starts posting. The fake Slack holds one chat.postMessage, and the
process is killed while that message is on its way: Slack never takes it. Two fresh processes
with a short lease find the claim abandoned and one of them continues the thread where it
stopped. The channel shows one digest, every order listed once and no part twice, and the
run is recorded as posted, within a bounded time.

The other unlucky moment, Slack taking a message and the process dying before it records
that, can repeat that one message on takeover (README, "Scheduled digests"); holding the
message before Slack takes it makes the outcome exact here.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.services.container import Services
from storage.digest_models import DigestSubscription, RunStatus
from tests.cli_support import child_env
from tests.conftest import Database
from tests.fakes.fixtures import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.scale.digests import (
    add_daily_digest,
    add_lagging_orders,
    runs_of,
    slot_key,
    thread_in,
    wait_posted,
)
from tests.scale.processes import START_SECONDS, bot_processes, problems

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

CHANNEL = "C0DIGEST"
LEASE_SECONDS = 5  # DIGEST_LEASE_SECONDS: short, yet longer than SLACK_TIMEOUT_SECONDS
# From the kill to the run recorded as posted: two interpreters starting on two busy cores,
# the lease running out, and a sweep.
RECOVERY_SECONDS = 60
QUIET_SECONDS = 3  # sweeps every second after the takeover: time for any repeat to show


@pytest.mark.parametrize("held", [1, 3], ids=["before-the-first-message", "mid-thread"])
async def test_digest_of_a_killed_process_is_finished_once_by_another(
    empty_schema: Database, reader: Services, fake_slack: FakeSlack, tmp_path: Path, held: int
):
    await reader.migrate()
    orders = await add_lagging_orders(reader)
    due = datetime.now(UTC)
    sub = await add_daily_digest(reader, CHANNEL, due)
    env = child_env(
        empty_schema,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        SLACK_TIMEOUT_SECONDS="3",
        DIGEST_LEASE_SECONDS=str(LEASE_SECONDS),
        DIGEST_SWEEP_SECONDS="1",
    )
    hold = fake_slack.hold("chat.postMessage", nth=held)

    async with bot_processes(1, env, tmp_path) as [first]:
        in_flight = await asyncio.wait_for(hold.wait(), START_SECONDS)
        [claimed] = await runs_of(reader)
        await first.kill()
    killed_at = time.monotonic()
    await asyncio.wait_for(hold.hung_up.wait(), 10)
    hold.release()
    async with bot_processes(2, env, tmp_path, first=2) as others:
        await wait_posted(reader, 1, RECOVERY_SECONDS)
        recovered_in = time.monotonic() - killed_at
        await asyncio.sleep(QUIET_SECONDS)

    # What the killed process had done: claimed the slot, posted held - 1 messages.
    assert (in_flight.args["channel"], in_flight.dropped) == (CHANNEL, True)
    assert (claimed.status, claimed.parts_posted) == (RunStatus.CLAIMED, held - 1)
    assert claimed.claimed_by.endswith(f":{first.process.pid}")
    assert (claimed.message_ts is None) == (held == 1)
    # What the channel shows: one digest, its thread whole, nothing twice.
    thread = thread_in(fake_slack, CHANNEL)
    assert thread.total > held  # the kill came before the last message
    assert thread.parts == list(range(2, thread.total + 1))
    assert thread.listed() == Counter(dict.fromkeys(orders.values(), 1))
    [run] = await runs_of(reader)
    assert {reply.args["thread_ts"] for reply in thread.replies} == {run.message_ts}
    if claimed.message_ts is not None:
        assert run.message_ts == claimed.message_ts  # the takeover continued the same thread
    # What the database remembers: posted once, by a process that took the claim over.
    assert (run.subscription_id, run.slot_key) == (sub.id, slot_key(due))
    assert (run.status, run.parts_posted, run.attempts) == (RunStatus.POSTED, thread.total, 2)
    assert any(run.claimed_by.endswith(f":{bot.process.pid}") for bot in others)
    assert recovered_in < RECOVERY_SECONDS
    await assert_succeeded(reader, sub.id)
    assert {bot.name: problems(bot.logged()) for bot in others} == {bot.name: [] for bot in others}


async def assert_succeeded(services: Services, sub_id: int | None) -> None:
    """The subscription shows a success and no error (what `/backlog digest list` shows)."""
    async with services.sessions() as session:
        sub = await session.get(DigestSubscription, sub_id)
    assert sub is not None
    assert (sub.last_success_at is not None, sub.last_error) == (True, None)
