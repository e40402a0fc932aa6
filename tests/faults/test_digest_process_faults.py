"""A digest in the middle of being posted by a real `backlog-bot run` process that is killed
(SIGKILL), frozen (SIGSTOP), or told by Slack to wait longer than its lease: the slot is taken
over and the digest finished, with nobody stepping in.

Each test posts a due digest of 60 lagging orders, a main message and a few thread parts,
with a short lease (DIGEST_LEASE_SECONDS) and a sweep every second. The fake Slack holds one
chat.postMessage so that the fault lands at a known message. Afterwards the channel shows one
digest with every order listed once, its thread continued where the first post stopped, and
the run is recorded as posted by the taker; the post that stood still stopped and recorded
nothing.

A message Slack takes while its process is frozen or waiting is posted twice (by the stalled
post and by the taker): the one repeat the README admits. A killed process's message still on
its way is lost with the process, so nothing repeats.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.bootstrap.container import Services
from bot.sandbox.signing import SIGNING_SECRET
from bot.sandbox.web_api import FakeSlack
from storage.digests.tables import DigestSubscription, RunStatus
from tests.conftest import Database
from tests.kit.cli import child_env
from tests.scale.digests import (
    Thread,
    add_daily_digest,
    add_lagging_orders,
    runs_of,
    slot_key,
    thread_in,
    wait_posted,
)
from tests.scale.processes import START_SECONDS, BotProcess, bot_processes, problems

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

CHANNEL = "C0DIGEST"
LEASE_SECONDS = 5  # DIGEST_LEASE_SECONDS: short, yet longer than SLACK_TIMEOUT_SECONDS
# From the fault to the run recorded as posted: interpreters starting on two busy cores, the
# lease running out, and a sweep.
RECOVERY_SECONDS = 60
QUIET_SECONDS = 3  # sweeps every second after the takeover: time for any repeat to show


@pytest.fixture
def env(empty_schema: Database, fake_slack: FakeSlack) -> dict[str, str]:
    return child_env(
        empty_schema,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        SLACK_TIMEOUT_SECONDS="3",
        DIGEST_LEASE_SECONDS=str(LEASE_SECONDS),
        DIGEST_SWEEP_SECONDS="1",
        # Pacing is tested on a virtual clock (tests/delivery): here it would only add seconds.
        SLACK_MESSAGE_INTERVAL_SECONDS="0",
    )


@dataclass(frozen=True)
class DueDigest:
    """A digest due now and the database ids of the orders it lists."""

    subscription: DigestSubscription
    orders: set[int]
    slot_key: str


@pytest.fixture
async def digest(reader: Services) -> DueDigest:
    await reader.migrate()
    orders = await add_lagging_orders(reader)
    now = datetime.now(UTC)
    sub = await add_daily_digest(reader, CHANNEL, now)
    return DueDigest(sub, set(orders.values()), slot_key(now))


@pytest.mark.parametrize("held", [1, 3], ids=["before-the-first-message", "mid-thread"])
async def test_digest_of_a_killed_process_is_finished_once_by_another(
    env: dict[str, str],
    digest: DueDigest,
    reader: Services,
    fake_slack: FakeSlack,
    tmp_path: Path,
    held: int,
):
    sub, orders = digest.subscription, digest.orders
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

    # The killed process had claimed the slot and posted held - 1 messages; Slack never got
    # the one on its way.
    assert (in_flight.args["channel"], in_flight.dropped) == (CHANNEL, True)
    assert (claimed.status, claimed.parts_posted) == (RunStatus.CLAIMED, held - 1)
    assert claimed.claimed_by.endswith(f":{first.process.pid}")
    assert (claimed.message_ts is None) == (held == 1)
    thread = thread_in(fake_slack, CHANNEL)
    assert thread.total > held  # the kill came before the last message
    assert thread.parts == list(range(2, thread.total + 1))  # each part once, in order
    assert thread.listed() == Counter(dict.fromkeys(orders, 1))
    [run] = await runs_of(reader)
    if claimed.message_ts is not None:
        assert run.message_ts == claimed.message_ts  # the same thread, continued
    await assert_posted_by_a_taker(reader, thread, sub, others)
    assert (run.slot_key, recovered_in < RECOVERY_SECONDS) == (digest.slot_key, True)


async def test_process_frozen_mid_digest_records_nothing_once_another_took_it_over(
    env: dict[str, str],
    digest: DueDigest,
    reader: Services,
    fake_slack: FakeSlack,
    tmp_path: Path,
):
    sub, orders = digest.subscription, digest.orders
    hold = fake_slack.hold("chat.postMessage", nth=3)

    async with bot_processes(1, env, tmp_path) as [frozen]:
        await asyncio.wait_for(hold.wait(), START_SECONDS)
        frozen.freeze()  # part 3 on its way; the main message and part 2 are out
        async with bot_processes(1, env, tmp_path, first=2) as [other]:
            await wait_posted(reader, 1, RECOVERY_SECONDS)
            hold.release()  # Slack takes part 3 and answers, too late: the client timed out
            await asyncio.wait_for(hold.settled.wait(), 10)
            frozen.thaw()
            await asyncio.sleep(QUIET_SECONDS)

    thread = thread_in(fake_slack, CHANNEL)
    assert Counter(thread.parts) == Counter(range(2, thread.total + 1)) + Counter([3])
    assert set(thread.listed()) == orders
    # The woken process's timeout is not the subscription's error: the digest went out.
    await assert_posted_by_a_taker(reader, thread, sub, [other])
    assert problems(frozen.logged()) == []


async def test_process_told_to_wait_past_its_lease_stops_once_another_took_over(
    env: dict[str, str],
    digest: DueDigest,
    reader: Services,
    fake_slack: FakeSlack,
    tmp_path: Path,
):
    sub, orders = digest.subscription, digest.orders
    hold = fake_slack.hold("chat.postMessage", nth=2)

    async with bot_processes(2, env, tmp_path) as bots:
        await asyncio.wait_for(hold.wait(), START_SECONDS)
        # Part 2 is answered with a 429 whose Retry-After outlasts the lease.
        fake_slack.rate_limit_next("chat.postMessage", retry_after=LEASE_SECONDS * 2)
        hold.release()
        await wait_posted(reader, 1, RECOVERY_SECONDS)
        # The 429, the taker's part 2, then the waiting process's retry.
        await wait_for(lambda: len(part_posts(fake_slack, 2)) == 3, LEASE_SECONDS * 2 + 10)
        await asyncio.sleep(QUIET_SECONDS)

    thread = thread_in(fake_slack, CHANNEL)
    assert Counter(thread.parts) == Counter(range(2, thread.total + 1)) + Counter([2])
    assert set(thread.listed()) == orders
    # Whichever sweep took over (the other process's or the waiting one's own), the waiting
    # post stopped when it heard back.
    stopped = [bot.name for bot in bots if "leaving the rest to the new holder" in bot.logged()]
    assert len(stopped) == 1, stopped
    await assert_posted_by_a_taker(reader, thread, sub, bots)


def part_posts(fake: FakeSlack, number: int) -> list[str]:
    """Every chat.postMessage call of "Part `number`/…", refused or not."""
    texts = [str(call.args.get("text", "")) for call in fake.calls_to("chat.postMessage")]
    return [text for text in texts if text.startswith(f"Part {number}/")]


async def wait_for(done: Callable[[], bool], seconds: float) -> None:
    async with asyncio.timeout(seconds):
        while not done():  # noqa: ASYNC110 - the fake records calls, it signals nothing
            await asyncio.sleep(0.1)


async def assert_posted_by_a_taker(
    services: Services, thread: Thread, sub: DigestSubscription, takers: list[BotProcess]
) -> None:
    """One run, posted by one of `takers` on the second attempt, counting every message of the
    thread; the subscription shows the success and no error; the takers logged no error."""
    [run] = await runs_of(services)
    assert {reply.args["thread_ts"] for reply in thread.replies} == {run.message_ts}
    assert thread.total > 3
    assert (run.subscription_id, run.status) == (sub.id, RunStatus.POSTED)
    assert (run.parts_posted, run.attempts, run.error) == (thread.total, 2, None)
    assert any(run.claimed_by.endswith(f":{bot.process.pid}") for bot in takers)
    async with services.sessions() as session:
        stored = await session.get(DigestSubscription, sub.id)
    assert stored is not None
    assert (stored.last_success_at is not None, stored.last_error) == (True, None)
    assert {bot.name: problems(bot.logged()) for bot in takers} == {b.name: [] for b in takers}
