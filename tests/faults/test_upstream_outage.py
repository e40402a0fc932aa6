"""The upstream order system failing under the scheduled sync: the failed run changes nothing,
`/backlog sync status` says what is wrong, and the next run picks up where the last success
left off. (Retries within a run, the admins' DM and the lease:
tests/services/sync/test_service.py and tests/jobs/sync/test_sync_job.py.)"""

from __future__ import annotations

from bot.bootstrap.container import Services
from bot.jobs.sync.sync_job import SyncJob
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from storage.orders.tables import EventKind
from tests.integrations.loopback import LoopbackUpstream, serving
from tests.kit.common import FixedClock, checked_message
from tests.kit.running_bot import RunningBot, running_bot
from tests.kit.sync import ADMINS, connect, order, slack
from tests.services.conftest import events_of, load_order


async def sync_status(bot: RunningBot, requests: SlackRequests) -> str:
    response = await bot.send(requests.slash_command("sync status"))
    return str(checked_message(response.json())["text"])


async def test_upstream_outage_keeps_the_watermark_shows_the_error_and_catches_up(
    services: Services, fake_slack: FakeSlack, slack_requests: SlackRequests, clock: FixedClock
):
    first = [[order("SO-1", updated_at="2026-11-24T08:00:00Z")]]
    during_outage = [
        [order("SO-1", status="shipped", updated_at="2026-11-24T09:05:00Z")],
        [order("SO-2", updated_at="2026-11-24T09:10:00Z")],
    ]
    async with serving(LoopbackUpstream(first)) as upstream:
        job = SyncJob(connect(services, upstream), slack(fake_slack), ADMINS)
        async with running_bot(services, fake_slack) as bot:
            await job.run()
            clock.advance(minutes=15)
            upstream.failing = True
            failed = await job.run()
            while_failing = await sync_status(bot, slack_requests)
            clock.advance(minutes=15)
            upstream.failing, upstream.pages = False, during_outage
            recovered = await job.run()
            after = await sync_status(bot, slack_requests)
        await services.sync.close()

    assert (failed.ok, failed.error) == (False, "upstream failed 2 times; last: HTTP 503")
    assert while_failing.splitlines()[2:] == [
        "Failing (1 in a row), last at 2026-11-24 09:15: upstream failed 2 times; last: HTTP 503",
        "Next run asks for orders changed since 2026-11-24 08:00.",
    ]
    assert upstream.queries[-2].get("updated_since") == "2026-11-24T08:00:00Z"
    assert (recovered.ok, recovered.pages, recovered.changed) == (True, 2, 2)
    assert "Failing" not in after
    assert after.endswith("Next run asks for orders changed since 2026-11-24 09:10.")
    assert (await load_order(services, "SO-1")).status == "filled"
    assert [e.kind for e in await events_of(services, "SO-1")].count(EventKind.CREATED) == 1
    assert [e.kind for e in await events_of(services, "SO-2")] == [EventKind.CREATED]
    assert fake_slack.calls_to("chat.postMessage") == []  # one failure is no reason to DM
