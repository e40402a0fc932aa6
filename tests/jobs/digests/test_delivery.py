"""Digest delivery with a fixed clock and the fake Slack: exactly once, crashes, Slack failures."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.bootstrap.container import Services, build_services
from bot.jobs.digests.slot_jobs import DigestJobs
from bot.sandbox.web_api import FakeSlack
from bot.services.digests import build_digests
from bot.services.digests.claims import LEASE, DigestClaims
from storage.digests.tables import DigestSubscription, RunStatus
from tests.conftest import Database
from tests.kit.common import FixedClock
from tests.kit.digests import (
    NOW,
    SLOT,
    add_orders,
    add_subscription,
    main_posts,
    overdue,
    posts_to,
    runs,
    slack_client,
)


def jobs(services: Services, fake: FakeSlack) -> DigestJobs:
    return DigestJobs(services, slack_client(fake))


async def subscription(services: Services, sub_id: int) -> DigestSubscription:
    async with services.sessions() as session:
        found = await session.get(DigestSubscription, sub_id)
    assert found is not None
    return found


async def test_due_digest_is_posted_once_and_recorded(services: Services, fake_slack: FakeSlack):
    ids = await add_orders(services, [overdue("SO-1"), overdue("SO-2")])
    sub = await add_subscription(services)
    assert sub.id is not None

    await jobs(services, fake_slack).run_due(sub.id)
    await jobs(services, fake_slack).run_due(sub.id)  # a retry, or a second trigger

    [post] = posts_to(fake_slack)
    assert post.args["text"].startswith("Lagging orders: 2 lagging")
    [run] = await runs(services)
    assert (run.slot_key, run.status) == (SLOT, RunStatus.POSTED)
    assert run.message_ts is not None and run.parts_posted == 1
    assert run.listed is not None and set(run.listed["ids"]) == set(ids.values())
    assert (await subscription(services, sub.id)).last_success_at == NOW


async def test_three_schedulers_on_one_database_post_each_slot_once(
    services: Services, database: Database, clock: FixedClock, fake_slack: FakeSlack
):
    await add_orders(services, [overdue(f"SO-{n}") for n in range(60)])  # a threaded digest
    sub = await add_subscription(services, max_rows=60)
    processes = [
        build_services(database.url, clock=clock, schema=database.schema) for _ in range(3)
    ]
    schedulers = []
    for n, process in enumerate(processes):
        process.digests = build_digests(
            process.sessions, clock, process.orders.zone, owner=f"h{n}:1"
        )
        schedulers.append(jobs(process, fake_slack))

    await asyncio.gather(*(s.run_due(sub.id or 0) for s in schedulers))
    await asyncio.gather(*(s.sweep() for s in schedulers))
    for process in processes:
        await process.close()

    [main] = main_posts(fake_slack)
    replies = posts_to(fake_slack)[1:]
    assert len(replies) >= 2
    [run] = await runs(services)
    assert {reply.args["thread_ts"] for reply in replies} == {run.message_ts}
    assert (run.status, run.parts_posted) == (RunStatus.POSTED, 1 + len(replies))
    assert main.args["text"].startswith("Lagging orders: 60 lagging")


async def test_slot_claimed_by_a_process_that_crashed_is_posted_after_the_lease(
    services: Services, clock: FixedClock, fake_slack: FakeSlack
):
    await add_orders(services, [overdue("SO-1")])
    sub = await add_subscription(services)
    crashed = DigestClaims(services.sessions, clock, owner="crashed:1")
    await crashed.claim(sub.id or 0, SLOT, NOW, timedelta(hours=1))
    restarted = jobs(services, fake_slack)

    await restarted.start()  # within the lease: the crashed process might still be posting
    posted_early = len(posts_to(fake_slack))
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await restarted.sweep()
    await restarted.sweep()

    assert posted_early == 0
    assert len(main_posts(fake_slack)) == 1
    [run] = await runs(services)
    assert (run.status, run.attempts) == (RunStatus.POSTED, 2)


async def test_takeover_after_a_crash_mid_thread_posts_only_the_missing_parts(
    services: Services, clock: FixedClock, fake_slack: FakeSlack
):
    await add_orders(services, [overdue(f"SO-{n:03d}") for n in range(60)])
    sub = await add_subscription(services, max_rows=60)
    crashed = DigestClaims(services.sessions, clock, owner="crashed:1")
    claim = await crashed.claim(sub.id or 0, SLOT, NOW, timedelta(hours=1))
    assert claim is not None
    await crashed.progress(claim, "1700000000.000001", 2)  # main message and part 2 were out

    clock.advance(seconds=LEASE.total_seconds() + 1)
    await jobs(services, fake_slack).sweep()

    posted = posts_to(fake_slack)
    assert main_posts(fake_slack) == []
    assert {p.args["thread_ts"] for p in posted} == {"1700000000.000001"}
    assert posted[0].args["text"].startswith("Part 3/")
    [run] = await runs(services)
    assert (run.status, run.message_ts) == (RunStatus.POSTED, "1700000000.000001")


async def test_progress_renews_the_lease_so_a_long_thread_is_not_taken_over(
    services: Services, clock: FixedClock, fake_slack: FakeSlack
):
    sub = await add_subscription(services)
    slow = DigestClaims(services.sessions, clock, owner="slow:1")
    claim = await slow.claim(sub.id or 0, SLOT, NOW, timedelta(hours=1))
    assert claim is not None
    clock.advance(minutes=4)
    await slow.progress(claim, "1700000000.000001", 5)

    clock.advance(minutes=2)  # 6 minutes after the claim, 2 after the last progress
    await jobs(services, fake_slack).sweep()

    assert posts_to(fake_slack) == []
    [run] = await runs(services)
    assert (run.claimed_by, run.parts_posted) == ("slow:1", 5)


async def test_slot_missed_while_no_process_ran_is_posted_at_start_within_grace(
    services: Services, clock: FixedClock, fake_slack: FakeSlack
):
    sub = await add_subscription(services, grace_minutes=30)
    clock.advance(minutes=20)

    await jobs(services, fake_slack).start()
    clock.advance(hours=24, minutes=11)  # the next day, 31 minutes after the slot
    await jobs(services, fake_slack).start()

    assert len(main_posts(fake_slack)) == 1
    assert [run.slot_key for run in await runs(services)] == [SLOT]
    assert sub.id is not None


async def test_new_subscription_does_not_post_a_slot_that_passed_before_it_existed(
    services: Services, clock: FixedClock, fake_slack: FakeSlack
):
    sub = await add_subscription(services, updated_at=NOW + timedelta(minutes=5))
    clock.advance(minutes=10)

    await jobs(services, fake_slack).start()
    await jobs(services, fake_slack).run_due(sub.id or 0)

    assert posts_to(fake_slack) == []


async def test_paused_subscription_posts_nothing(services: Services, fake_slack: FakeSlack):
    sub = await add_subscription(services, paused=True)

    await jobs(services, fake_slack).run_due(sub.id or 0)
    await jobs(services, fake_slack).start()

    assert posts_to(fake_slack) == []


async def test_empty_digest_is_skipped_when_the_subscription_says_so(
    services: Services, fake_slack: FakeSlack
):
    skipping = await add_subscription(services, skip_when_empty=True)
    posting = await add_subscription(services, channel_id="C0OTHER")

    await jobs(services, fake_slack).run_due(skipping.id or 0)
    await jobs(services, fake_slack).run_due(posting.id or 0)

    assert posts_to(fake_slack) == []
    [other] = posts_to(fake_slack, "C0OTHER")
    assert "Nothing is lagging" in str(other.args["blocks"])
    assert [(r.subscription_id, r.status) for r in await runs(services)] == [
        (skipping.id, RunStatus.SKIPPED),
        (posting.id, RunStatus.POSTED),
    ]


async def test_rate_limited_post_waits_for_retry_after_and_posts_once(
    services: Services, fake_slack: FakeSlack
):
    await add_orders(services, [overdue("SO-1")])
    sub = await add_subscription(services)
    fake_slack.rate_limit_next("chat.postMessage", retry_after=1)
    loop = asyncio.get_running_loop()

    started = loop.time()
    await jobs(services, fake_slack).run_due(sub.id or 0)
    waited = loop.time() - started

    assert waited >= 1.0
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # the refused try and the post
    [run] = await runs(services)
    assert run.status == RunStatus.POSTED


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found", "is_archived"])
async def test_channel_refusal_marks_the_subscription_failing_and_dms_its_creator_once(
    services: Services, clock: FixedClock, fake_slack: FakeSlack, error: str
):
    await add_orders(services, [overdue("SO-1")])
    sub = await add_subscription(services)
    fake_slack.set_response("conversations.open", {"channel": {"id": "D0LEAD01"}})
    fake_slack.fail_next("chat.postMessage", error=error)
    await jobs(services, fake_slack).run_due(sub.id or 0)
    clock.advance(days=1)
    fake_slack.fail_next("chat.postMessage", error=error)

    await jobs(services, fake_slack).run_due(sub.id or 0)  # fails again: no second DM

    assert [r.status for r in await runs(services)] == [RunStatus.FAILED, RunStatus.FAILED]
    failing = await subscription(services, sub.id or 0)
    assert (failing.last_error, failing.last_success_at) == (error, None)
    assert fake_slack.last("conversations.open").args["users"] == "U0LEAD01"
    [dm] = posts_to(fake_slack, "D0LEAD01")
    assert f"Your digest #{sub.id} for <#C0DIGEST> could not be posted." in dm.args["text"]
    assert "/invite @Backlog Bot" in dm.args["text"] or "Unarchive" in dm.args["text"]


async def test_channel_fixed_after_a_refusal_clears_the_error(
    services: Services, clock: FixedClock, fake_slack: FakeSlack
):
    sub = await add_subscription(services)
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")
    await jobs(services, fake_slack).run_due(sub.id or 0)
    clock.advance(days=1)

    await jobs(services, fake_slack).run_due(sub.id or 0)

    healthy = await subscription(services, sub.id or 0)
    assert (healthy.last_error, healthy.last_success_at) == (None, clock.now)


async def test_slack_outage_keeps_the_claim_and_a_later_sweep_delivers(
    services: Services, clock: FixedClock, fake_slack: FakeSlack
):
    sub = await add_subscription(services)
    fake_slack.http_error_next("chat.postMessage", status=503)

    await jobs(services, fake_slack).run_due(sub.id or 0)
    [run] = await runs(services)
    failing = await subscription(services, sub.id or 0)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await jobs(services, fake_slack).sweep()

    assert (run.status, failing.last_error) == (RunStatus.CLAIMED, "fatal_error")
    assert len(main_posts(fake_slack)) == 2  # the refused try, then the delivery
    [delivered] = await runs(services)
    assert delivered.status == RunStatus.POSTED


async def test_unexpected_error_in_a_digest_is_logged_and_the_next_slot_still_posts(
    services: Services, clock: FixedClock, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
):
    sub = await add_subscription(services, filters={"statuses": ["bogus"]})  # unreadable spec
    digest_jobs = jobs(services, fake_slack)

    await digest_jobs.run_due(sub.id or 0)
    async with services.sessions() as session, session.begin():
        stored = await session.get(DigestSubscription, sub.id)
        assert stored is not None
        stored.filters = {}
    clock.advance(days=1)
    await digest_jobs.run_due(sub.id or 0)

    assert f"digest {sub.id} slot {SLOT} failed" in caplog.text
    assert len(main_posts(fake_slack)) == 1


@pytest.mark.parametrize(
    ("zone", "times", "gap_end", "key"),
    [
        ("Europe/Berlin", "02:30", "2026-03-29T01:00:00+00:00", "2026-03-29T02:30"),
        ("America/New_York", "02:30", "2026-03-08T07:00:00+00:00", "2026-03-08T02:30"),
    ],
)
async def test_spring_forward_slot_in_the_gap_is_posted_once_right_after_it(
    services: Services, clock: FixedClock, fake_slack: FakeSlack,
    zone: str, times: str, gap_end: str, key: str,
):  # fmt: skip
    clock.now = datetime.fromisoformat(gap_end) - timedelta(days=2)
    sub = await add_subscription(services, zone=zone, times=times)
    clock.now = datetime.fromisoformat(gap_end)

    await jobs(services, fake_slack).run_due(sub.id or 0)
    clock.advance(minutes=30)
    await jobs(services, fake_slack).run_due(sub.id or 0)

    assert len(main_posts(fake_slack)) == 1
    assert [run.slot_key for run in await runs(services)] == [key]


@pytest.mark.parametrize(
    ("zone", "first", "second", "key"),
    [
        ("Europe/Berlin", "2026-10-25T00:30Z", "2026-10-25T01:30Z", "2026-10-25T02:30"),
        ("America/New_York", "2026-11-01T05:30Z", "2026-11-01T06:30Z", "2026-11-01T01:30"),
    ],
)  # fmt: skip
async def test_fall_back_repeated_time_posts_once_at_its_first_occurrence(
    services: Services, clock: FixedClock, fake_slack: FakeSlack,
    zone: str, first: str, second: str, key: str,
):  # fmt: skip
    local = key[-5:]
    clock.now = datetime.fromisoformat(first) - timedelta(days=2)
    sub = await add_subscription(services, zone=zone, times=local)
    clock.now = datetime.fromisoformat(first)

    await jobs(services, fake_slack).run_due(sub.id or 0)
    clock.now = datetime.fromisoformat(second)  # the same wall-clock time, an hour later
    await jobs(services, fake_slack).run_due(sub.id or 0)
    await jobs(services, fake_slack).start()

    assert len(main_posts(fake_slack)) == 1
    [run] = await runs(services)
    assert (run.slot_key, run.scheduled_at) == (key, datetime.fromisoformat(first))


async def test_digest_of_2000_lagging_orders_reaches_slack_whole_within_its_limits(
    services: Services, fake_slack: FakeSlack
):
    ids = await add_orders(
        services,
        [overdue(f"SO-{n:05d}", owner=f"U{n % 30:08d}", supplier=f"S{n % 7}") for n in range(2000)],
    )
    sub = await add_subscription(services, max_rows=2000)

    await jobs(services, fake_slack).run_due(sub.id or 0)

    posted = posts_to(fake_slack)  # the fake refuses any message past Slack's limits
    prefix = "digest_row:"
    listed = [
        int(block["block_id"][len(prefix) :])
        for call in posted
        for block in call.args["blocks"]
        if block.get("block_id", "").startswith(prefix)
    ]
    assert sorted(listed) == sorted(ids.values())
    [run] = await runs(services)
    assert (run.status, run.parts_posted) == (RunStatus.POSTED, len(posted))
    assert {call.args.get("thread_ts") for call in posted[1:]} == {run.message_ts}
    assert posted[-1].args["text"].startswith(f"Part {len(posted)}/{len(posted)}")


async def test_weekly_feedback_reports_are_not_lagging_digests(
    services: Services, fake_slack: FakeSlack
):
    report = await add_subscription(services, kind="feedback", channel_id="C0FEEDBACK")
    digest = await add_subscription(services)

    await jobs(services, fake_slack).start()
    await jobs(services, fake_slack).run_due(report.id or 0)

    assert posts_to(fake_slack, "C0FEEDBACK") == []
    assert len(main_posts(fake_slack)) == 1
    listed = await services.digests.subscriptions.listing()
    assert [item.subscription.id for item in listed] == [digest.id]
