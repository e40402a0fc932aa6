"""The weekly feedback report: posted once per run, however many processes or repeats."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlmodel import col

from bot.bootstrap.container import Services
from bot.bootstrap.slack_app import build_client
from bot.jobs.feedback.weekly_report import FeedbackDigestJob
from bot.sandbox.web_api import FakeSlack
from bot.services.digests.claims import DigestClaims
from bot.services.feedback.entries import FeedbackInput
from storage.digests.tables import DigestRun, DigestSubscription, RunStatus
from storage.feedback.tables import FeedbackTag, Sentiment
from tests.kit.common import FixedClock, checked_message, order_row, seed_orders
from tests.kit.pace import VirtualTime
from tests.kit.running_bot import bot_settings

LEADS, LEAD, REP = "C0LEADS", "U0LEAD001", "U0REP0001"
MONDAY_NINE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
async def client(fake_slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    """The bot's own Web API client (429 retries included), pointed at the fake."""
    async with aiohttp.ClientSession() as session:
        yield build_client(bot_settings(fake_slack), session, VirtualTime().pacer())


@pytest.fixture
async def subscribed(services: Services, tmp_path: Path) -> Services:
    """C0LEADS gets the report Mondays at 09:00 UTC; SO-1 (emea) and SO-2 (apac) exist."""
    await seed_orders(
        services,
        tmp_path,
        [
            order_row(order_id="SO-1", team="emea", supplier="Globex"),
            order_row(order_id="SO-2", team="apac", customer="Initech"),
        ],
    )
    await services.feedback_digests.subscribe(LEADS, actor=LEAD)
    return services


async def log(services: Services, clock: FixedClock, when: datetime, order: str = "SO-1") -> None:
    clock.now = when
    given = FeedbackInput(
        f"late again ({when:%a %H:%M})",
        Sentiment.NEGATIVE,
        frozenset({FeedbackTag.DELAY_COMPLAINT}),
        external_id=order,
    )
    await services.feedback.log(given, actor=REP)


async def runs(services: Services) -> list[DigestRun]:
    async with services.sessions() as session:
        query = select(DigestRun).order_by(col(DigestRun.id))
        return list((await session.execute(query)).scalars())


def posts_to(fake: FakeSlack, channel: str) -> list[dict[str, object]]:
    calls = fake.calls_to("chat.postMessage")
    return [checked_message(c.args) for c in calls if c.args["channel"] == channel]


async def test_weekly_report_run_twice_posts_once(
    subscribed: Services, clock: FixedClock, client: AsyncWebClient, fake_slack: FakeSlack
):
    await log(subscribed, clock, datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
    clock.now = MONDAY_NINE
    job = FeedbackDigestJob(subscribed, client)

    first = await job.deliver_due()
    clock.advance(minutes=1)
    second = await job.deliver_due()

    assert (first, second) == (1, 0)
    [post] = posts_to(fake_slack, LEADS)
    assert str(post["text"]).startswith("Customer feedback · last 7 days: 1 notes (+1")
    [run] = await runs(subscribed)
    assert (run.slot_key, run.status) == ("2026-11-30T09:00", RunStatus.POSTED)
    assert run.message_ts is not None


async def test_weekly_report_from_two_processes_at_once_posts_once(
    subscribed: Services, clock: FixedClock, client: AsyncWebClient, fake_slack: FakeSlack
):
    clock.now = MONDAY_NINE
    jobs = [
        FeedbackDigestJob(subscribed, client, DigestClaims(subscribed.sessions, clock, owner))
        for owner in ("host-a:1", "host-b:2")
    ]

    posted = await asyncio.gather(*(job.deliver_due() for job in jobs))

    assert sorted(posted) == [0, 1]
    assert len(posts_to(fake_slack, LEADS)) == 1


@pytest.mark.parametrize(
    ("now", "posted"),
    [
        (datetime(2026, 11, 30, 8, 59, tzinfo=UTC), 0),  # not yet
        (datetime(2026, 11, 30, 9, 59, tzinfo=UTC), 1),  # late, within the hour's grace
        (datetime(2026, 11, 30, 10, 1, tzinfo=UTC), 0),  # missed: next week's will come
    ],
)
async def test_weekly_report_runs_from_its_time_until_its_grace_ends(
    subscribed: Services,
    clock: FixedClock,
    client: AsyncWebClient,
    now: datetime,
    posted: int,
):
    clock.now = now

    assert await FeedbackDigestJob(subscribed, client).deliver_due() == posted


async def test_weekly_report_covers_the_seven_days_before_its_run(
    subscribed: Services, clock: FixedClock, client: AsyncWebClient, fake_slack: FakeSlack
):
    await log(subscribed, clock, datetime(2026, 11, 23, 8, 59, tzinfo=UTC))  # the week before
    await log(subscribed, clock, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await log(subscribed, clock, datetime(2026, 11, 29, 18, 0, tzinfo=UTC))
    clock.now = datetime(2026, 11, 30, 9, 20, tzinfo=UTC)
    await log(subscribed, clock, clock.now)  # after the run's time: next week's

    await FeedbackDigestJob(subscribed, client).deliver_due()

    [post] = posts_to(fake_slack, LEADS)
    assert "2 notes (+1 on the 7 days before)" in str(post["text"])


async def test_weekly_report_for_a_team_leaves_other_teams_out(
    subscribed: Services, clock: FixedClock, client: AsyncWebClient, fake_slack: FakeSlack
):
    await subscribed.feedback_digests.subscribe(LEADS, actor=LEAD, team="apac")
    await log(subscribed, clock, datetime(2026, 11, 26, tzinfo=UTC), "SO-1")
    await log(subscribed, clock, datetime(2026, 11, 27, tzinfo=UTC), "SO-2")
    clock.now = MONDAY_NINE

    await FeedbackDigestJob(subscribed, client).deliver_due()

    [post] = posts_to(fake_slack, LEADS)
    assert str(post["text"]).startswith("Customer feedback · last 7 days · team apac: 1 notes")


async def test_weekly_report_refused_by_slack_is_recorded_and_the_subscriber_told(
    subscribed: Services, clock: FixedClock, client: AsyncWebClient, fake_slack: FakeSlack
):
    clock.now = MONDAY_NINE
    fake_slack.fail_next("chat.postMessage", "not_in_channel")
    job = FeedbackDigestJob(subscribed, client)

    first = await job.deliver_due()
    again = await job.deliver_due()

    assert (first, again) == (0, 0)
    [run] = await runs(subscribed)
    assert (run.status, run.error) == (RunStatus.FAILED, "not_in_channel")
    [dm] = posts_to(fake_slack, LEAD)
    assert "Invite @Backlog Bot" in str(dm["text"])
    async with subscribed.sessions() as session:
        row = (await session.execute(select(DigestSubscription))).scalar_one()
    assert (row.last_error, row.last_error_at) == ("not_in_channel", MONDAY_NINE)


async def test_weekly_report_waits_out_slacks_rate_limit(
    subscribed: Services, clock: FixedClock, client: AsyncWebClient, fake_slack: FakeSlack
):
    clock.now = MONDAY_NINE
    fake_slack.rate_limit_next("chat.postMessage", retry_after=1)

    posted = await FeedbackDigestJob(subscribed, client).deliver_due()

    assert posted == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # the 429, then the post
    assert [r.status for r in await runs(subscribed)] == [RunStatus.POSTED]


async def test_weekly_report_stops_after_unsubscribe(
    subscribed: Services, clock: FixedClock, client: AsyncWebClient, fake_slack: FakeSlack
):
    await subscribed.feedback_digests.unsubscribe(LEADS, actor=LEAD)
    clock.now = MONDAY_NINE

    assert await FeedbackDigestJob(subscribed, client).deliver_due() == 0
    assert fake_slack.calls_to("chat.postMessage") == []
