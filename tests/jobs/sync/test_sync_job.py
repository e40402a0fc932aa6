"""The sync job end to end: a real upstream on loopback, the admins' DM after three failures,
and `/backlog sync status` through signed Slack requests."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap.container import Services
from bot.jobs.sync.sync_job import SyncJob, schedule_sync
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from tests.integrations.loopback import LoopbackUpstream, serving
from tests.kit.common import FixedClock, checked_message
from tests.kit.running_bot import running_bot
from tests.kit.sync import ADMINS, connect, order, slack
from tests.services.conftest import load_order


async def test_sync_job_pulls_every_page_from_a_real_http_upstream(
    services: Services, fake_slack: FakeSlack
):
    pages = [[order("SO-1"), order("SO-2")], [order("SO-3", status="shipped")]]
    async with serving(LoopbackUpstream(pages)) as upstream:
        sync = connect(services, upstream)

        run = await SyncJob(sync, slack(fake_slack), ADMINS).run()
        await sync.close()

    assert (run.ok, run.pages, run.changed) == (True, 2, 3)
    assert (await load_order(services, "SO-3")).status == "filled"
    assert [q.get("cursor") for q in upstream.queries] == [None, "1"]
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_three_failures_in_a_row_dm_each_admin_once(
    services: Services, fake_slack: FakeSlack, clock: FixedClock
):
    async with serving(LoopbackUpstream([[]], failing=True)) as upstream:
        job = SyncJob(connect(services, upstream), slack(fake_slack), ADMINS)
        runs = []
        for _ in range(4):
            runs.append(await job.run())
            clock.advance(minutes=15)
        await services.sync.close()

    assert [run.alert_admins for run in runs] == [False, False, True, False]
    opened = [call.args["users"] for call in fake_slack.calls_to("conversations.open")]
    assert opened == ["U0LEAD01", "U0LEAD02"]
    posts = fake_slack.calls_to("chat.postMessage")
    assert [post.args["channel"] for post in posts] == ["D0LEAD01", "D0LEAD02"]
    assert posts[0].args["text"] == (
        "The upstream order sync has failed 3 times in a row. Last error: upstream failed"
        " 2 times; last: HTTP 503. Orders were never synced. Check UPSTREAM_URL and its"
        " credentials; `/backlog sync status` shows the details."
    )


async def test_sync_job_with_a_wrong_key_fails_without_retrying(
    services: Services, fake_slack: FakeSlack
):
    async with serving(LoopbackUpstream([[order("SO-1")]])) as upstream:
        sync = connect(services, upstream, key="wrong")

        run = await SyncJob(sync, slack(fake_slack), ADMINS).run()
        await sync.close()

    assert run.error == 'upstream refused the request: HTTP 401 \'{"error":"unauthorized"}\''
    assert len(upstream.queries) == 1


async def test_schedule_sync_runs_now_and_every_interval(services: Services, fake_slack):
    scheduler = AsyncIOScheduler(timezone=UTC)
    job = SyncJob(services.sync, slack(fake_slack), ADMINS)

    schedule_sync(scheduler, job, 15, services.clock())

    [scheduled] = scheduler.get_jobs()
    assert scheduled.trigger.interval == timedelta(minutes=15)
    assert (scheduled.id, scheduled.max_instances) == ("upstream-sync", 1)


async def test_backlog_sync_status_shows_last_success_and_errors(
    services: Services, fake_slack: FakeSlack, slack_requests: SlackRequests, clock: FixedClock
):
    async with serving(LoopbackUpstream([[order("SO-1")]])) as upstream:
        sync = connect(services, upstream)
        await sync.run_once()
        clock.advance(minutes=12)
        upstream.failing = True
        await sync.run_once()
        clock.advance(minutes=1)
        await sync.close()
    async with running_bot(services, fake_slack) as bot:
        response = await bot.send(slack_requests.slash_command("sync status"))

    reply = checked_message(response.json())
    assert reply["text"] == (
        f"Upstream sync: every 15 min from {upstream.url}\n"
        "Last success: 2026-11-24 09:00 (13 min ago): 1 order changed, 0 records rejected\n"
        "Failing (1 in a row), last at 2026-11-24 09:12: upstream failed 2 times; last: HTTP 503\n"
        "Next run asks for orders changed since 2026-11-24 08:00."
    )
    assert "*Failing*" in json.dumps(reply["blocks"])


async def test_backlog_sync_status_when_no_upstream_is_configured(
    services: Services, fake_slack: FakeSlack, slack_requests: SlackRequests
):
    async with running_bot(services, fake_slack) as bot:
        response = await bot.send(slack_requests.slash_command("sync"))
        wrong = await bot.send(slack_requests.slash_command("sync now"))

    assert checked_message(response.json())["text"] == (
        "Upstream sync is off.\nSet UPSTREAM_URL to pull orders (README, section 'Upstream sync')."
    )
    assert checked_message(wrong.json())["text"] == (
        "I don't know `sync now`. Usage: /backlog sync status"
    )
