"""A large digest under Slack's pace (the fake refuses a second message within a second per
channel, like Slack): posted once, in order, without a single 429."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.jobs.digests.slot_jobs import DigestJobs
from bot.sandbox.web_api import FakeSlack
from tests.kit.digests import (
    add_orders,
    add_subscription,
    main_posts,
    overdue,
    paced_client,
    posts_to,
)
from tests.kit.pace import VirtualTime

ROWS = 340


def listed(message: dict[str, Any]) -> list[str]:
    prefix = ids.DIGEST_ROW_BLOCK
    return [b["block_id"] for b in message["blocks"] if b.get("block_id", "").startswith(prefix)]


async def test_digest_of_340_rows_posts_once_in_order_at_slacks_pace(
    services: Services, fake_slack: FakeSlack
):
    time = VirtualTime()
    fake_slack.pace_channels(clock=time.clock)
    await add_orders(services, [overdue(f"SO-{n:04d}") for n in range(ROWS)])
    sub = await add_subscription(services, max_rows=2000)
    started = time.now

    await DigestJobs(services, paced_client(fake_slack, time.pacer())).run_due(sub.id or 0)

    assert [c for c in fake_slack.calls_to("chat.postMessage") if c.refused] == []
    posts = posts_to(fake_slack)
    [main] = main_posts(fake_slack)
    assert posts[0] is main and len(posts) > 20
    total = len(posts)
    assert len({reply.args["thread_ts"] for reply in posts[1:]}) == 1
    for number, reply in enumerate(posts[1:], start=2):
        assert reply.args["text"].startswith(f"Part {number}/{total} ")
    rows = [row for post in posts for row in listed(post.args)]
    assert len(rows) == len(set(rows)) == ROWS
    assert time.now - started >= total - 1  # a second between messages to the channel
