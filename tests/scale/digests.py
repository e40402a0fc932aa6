"""Digests posted by real bot processes on the wall clock: what to seed, what Slack received.

The processes run on the real clock, so orders and subscriptions are made relative to now (UTC),
not to the fixed clock of the in-process digest tests.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.sandbox.web_api import Call, FakeSlack
from storage.digests.tables import DigestRun, DigestSubscription, RunStatus
from tests.kit.digests import add_orders, add_subscription, order_values, posts_to

LAGGING = 60  # a digest of that many rows is a main message and three or four thread parts
_PART = re.compile(r"Part (\d+)/(\d+) ")


def minute_of(at: datetime) -> str:
    """The subscription time ("HH:MM", UTC) of the slot at or just before `at`."""
    return f"{at.astimezone(UTC):%H:%M}"


def slot_key(at: datetime) -> str:
    """The claim's slot key of a UTC subscription's slot at `at` (whole minutes)."""
    return f"{at.astimezone(UTC):%Y-%m-%dT%H:%M}"


async def add_lagging_orders(services: Services, count: int = LAGGING) -> dict[str, int]:
    """`count` orders whose promise passed yesterday; database ids by external id."""
    now = datetime.now(UTC)
    yesterday = now.date() - timedelta(days=1)
    times = {"ordered_at": now - timedelta(days=3), "created_at": now, "updated_at": now}
    rows = [
        order_values(f"SO-{7000 + n}", promised_date=yesterday, last_activity_at=now, **times)
        for n in range(count)
    ]
    return await add_orders(services, rows)


async def add_daily_digest(
    services: Services, channel: str, at: datetime, rows: int = LAGGING
) -> DigestSubscription:
    """A daily UTC digest to `channel` at the minute of `at`, set up a day ago, one hour grace."""
    return await add_subscription(
        services, channel_id=channel, times=minute_of(at), max_rows=rows, grace_minutes=60
    )


async def runs_of(services: Services) -> list[DigestRun]:
    async with services.sessions() as session:
        query = select(DigestRun).order_by(col(DigestRun.id))
        return list((await session.execute(query)).scalars())


async def wait_posted(services: Services, count: int, seconds: float) -> list[DigestRun]:
    """The runs, once `count` of them are posted (AssertionError with the runs after `seconds`)."""
    runs: list[DigestRun] = []
    try:
        async with asyncio.timeout(seconds):
            while sum(run.status == RunStatus.POSTED for run in runs) < count:
                await asyncio.sleep(0.2)
                runs = await runs_of(services)
    except TimeoutError:
        raise AssertionError(f"not {count} posted runs after {seconds} s: {runs}") from None
    return runs


def listed_ids(call: Call) -> list[int]:
    """Database ids of the orders whose rows a digest message carries."""
    blocks: list[dict[str, Any]] = call.args.get("blocks") or []
    names = [str(block.get("block_id", "")) for block in blocks]
    prefix = ids.DIGEST_ROW_BLOCK
    return [int(name.removeprefix(prefix)) for name in names if name.startswith(prefix)]


def part_of(call: Call) -> tuple[int, int]:
    """(N, M) of a thread reply's "Part N/M"."""
    match = _PART.match(str(call.args.get("text", "")))
    assert match is not None, call.args.get("text")
    return int(match[1]), int(match[2])


@dataclass(frozen=True)
class Thread:
    """One digest as a channel shows it: the main message and its thread replies."""

    main: Call
    replies: list[Call]

    @property
    def parts(self) -> list[int]:
        """The part number of each reply, in posting order (the main message is part 1)."""
        return [part_of(reply)[0] for reply in self.replies]

    @property
    def total(self) -> int:
        """How many messages the digest has, as its replies say."""
        totals = {part_of(reply)[1] for reply in self.replies}
        assert len(totals) == 1, totals
        return totals.pop()

    def listed(self) -> Counter[int]:
        """How many times each order was listed across the main message and the parts."""
        return Counter(i for call in [self.main, *self.replies] for i in listed_ids(call))


def thread_in(fake: FakeSlack, channel: str) -> Thread:
    """The digest in `channel` as people see it (what Slack took, not what it refused or
    never got); AssertionError unless exactly one main message was posted."""
    posted = [call for call in posts_to(fake, channel) if not call.refused]
    mains = [call for call in posted if not call.args.get("thread_ts")]
    assert len(mains) == 1, [call.args["text"] for call in mains]
    return Thread(mains[0], [call for call in posted if call.args.get("thread_ts")])
