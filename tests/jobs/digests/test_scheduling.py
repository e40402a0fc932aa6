"""Digest jobs in the bot's AsyncIOScheduler: one SlotTrigger per subscription, kept in step."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.digests.message import DigestMessage
from bot.bootstrap.container import Services
from bot.delivery.digests.digest_posts import DigestPoster
from bot.jobs.digests.slot_jobs import RECOVERY_JOB, SWEEP_JOB, DigestJobs
from bot.jobs.digests.slot_trigger import SlotTrigger
from bot.sandbox.web_api import FakeSlack
from bot.services.core.schedule import next_runs
from storage.digests import subscriptions as digest_subscriptions
from tests.kit.digests import add_subscription, main_posts, slack_client


@pytest.fixture
async def scheduler() -> AsyncIterator[AsyncIOScheduler]:
    running = AsyncIOScheduler(timezone=UTC)
    running.start()
    yield running
    running.shutdown(wait=False)


def digest_job_ids(scheduler: AsyncIOScheduler) -> set[str]:
    return {job.id for job in scheduler.get_jobs() if job.id not in (SWEEP_JOB, RECOVERY_JOB)}


async def test_start_schedules_each_active_subscription_in_its_own_zone(
    services: Services, fake_slack: FakeSlack, scheduler: AsyncIOScheduler
):
    berlin = await add_subscription(services, days="mon-fri", times="08:30", zone="Europe/Berlin")
    await add_subscription(services, paused=True)

    await DigestJobs(services, slack_client(fake_slack), scheduler).start()

    assert digest_job_ids(scheduler) == {f"digest-{berlin.id}"}
    job = scheduler.get_job(f"digest-{berlin.id}")
    assert isinstance(job.trigger, SlotTrigger)
    expected = next_runs(job.trigger.schedule, datetime.now(UTC), 1)[0]
    assert job.next_run_time == expected
    assert job.misfire_grace_time == 3600
    assert scheduler.get_job(SWEEP_JOB) is not None


async def test_sync_follows_edits_pauses_and_removals(
    services: Services, fake_slack: FakeSlack, scheduler: AsyncIOScheduler
):
    kept = await add_subscription(services)
    removed = await add_subscription(services)
    jobs = DigestJobs(services, slack_client(fake_slack), scheduler)
    await jobs.start()
    async with services.sessions() as session, session.begin():
        await digest_subscriptions.update_subscription(session, kept.id or 0, {"times": "10:15"})
        await digest_subscriptions.delete_subscription(session, removed.id or 0)

    await jobs.sync()

    assert digest_job_ids(scheduler) == {f"digest-{kept.id}"}
    job = scheduler.get_job(f"digest-{kept.id}")
    assert [f"{t:%H:%M}" for t in job.trigger.schedule.times] == ["10:15"]
    async with services.sessions() as session, session.begin():
        await digest_subscriptions.update_subscription(session, kept.id or 0, {"paused": True})
    await jobs.sync()
    assert digest_job_ids(scheduler) == set()


async def test_a_fired_job_runs_in_the_event_loop_and_posts_the_due_slot(
    services: Services, fake_slack: FakeSlack, scheduler: AsyncIOScheduler
):
    sub = await add_subscription(services)
    await DigestJobs(services, slack_client(fake_slack), scheduler).sync()

    scheduler.get_job(f"digest-{sub.id}").modify(next_run_time=datetime.now(UTC))
    for _ in range(200):
        if main_posts(fake_slack):
            break
        await asyncio.sleep(0.02)

    [post] = main_posts(fake_slack)
    assert post.args["text"].startswith("Lagging orders: 0 lagging")


async def test_poster_waits_as_long_as_retry_after_says_once_the_client_gives_up(
    fake_slack: FakeSlack,
):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.base_url)  # no retry handler
    poster = DigestPoster(client, sleep=sleep)
    fake_slack.rate_limit_next("chat.postMessage", retry_after=7, times=2)

    ts = await poster.post("C0DIGEST", [DigestMessage("hello", [])])

    assert waits == [7.0, 7.0]
    assert len(fake_slack.calls_to("chat.postMessage")) == 3
    assert ts == "1700000000.000100"  # the fake's first message
