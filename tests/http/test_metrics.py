"""GET /metrics: what Prometheus scrapes, read back with its own parser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from pathlib import Path

import aiohttp
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.bootstrap.container import Services
from bot.bootstrap.slack_app import build_app, build_client, slack_session
from bot.delivery.alerts.alert_posts import AlertDelivery
from bot.http.admission import Admission
from bot.http.app import build_web
from bot.integrations.sync.upstream import UpstreamConfig, UpstreamSource
from bot.jobs.alerts.alert_job import AlertJob
from bot.jobs.digests.slot_jobs import DigestJobs
from bot.sandbox.signing import SIGNING_SECRET, SlackRequests
from bot.sandbox.web_api import FakeSlack
from bot.services.sync import SyncService
from tests.http.ingest.conftest import order, post
from tests.integrations.scripted import RecordedSleep, ScriptedUpstream, page, status
from tests.kit.common import FixedClock, configure_roles_and_teams, order_row, seed_orders
from tests.kit.digests import add_orders, add_subscription, overdue, slack_client
from tests.kit.running_bot import RunningBot, bot_settings, running_bot
from tests.kit.sync import MAPPING, PLAN, record


@pytest.fixture
async def bot(services: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    async with running_bot(services, fake_slack) as running:
        yield running


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(http: httpx.AsyncClient) -> Samples:
    """Every sample of GET /metrics by name and labels."""
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


async def test_metrics_count_slack_requests_by_kind_and_status_with_their_latency(
    bot: RunningBot, slack_requests: SlackRequests
):
    await bot.send(slack_requests.slash_command("help"))
    await bot.send(slack_requests.slash_command("help"))
    await bot.send(slack_requests.slash_command("help", bad_signature=True))

    samples = await scrape(bot.http)

    requests = "backlog_requests_total"
    assert value(samples, requests, surface="slack", kind="command", status="200") == 2
    assert value(samples, requests, surface="slack", kind="unknown", status="401") == 1
    latency = "backlog_request_duration_seconds"
    assert value(samples, f"{latency}_count", surface="slack", kind="command") == 2
    assert value(samples, f"{latency}_bucket", surface="slack", kind="command", le="+Inf") == 2
    assert value(samples, f"{latency}_sum", surface="slack", kind="command") > 0


async def test_metrics_count_api_requests_and_the_rows_they_brought_by_outcome(bot: RunningBot):
    batch = [order("SO-1"), order("SO-2"), order("SO-3", promised_date="someday")]
    await post(bot, batch, key="batch-1")
    await post(bot, batch, key="batch-1")  # a replay lands nothing and is not counted again

    samples = await scrape(bot.http)

    requests = "backlog_requests_total"
    assert value(samples, requests, surface="api", kind="post_orders", status="207") == 2
    assert value(samples, "backlog_import_rows_total", source="api", outcome="created") == 2
    assert value(samples, "backlog_import_rows_total", source="api", outcome="rejected") == 1


async def test_metrics_count_slack_requests_refused_for_want_of_capacity(
    services: Services, fake_slack: FakeSlack, slack_requests: SlackRequests
):
    async with aiohttp.ClientSession() as session:
        app = build_app(bot_settings(fake_slack), services, session)
        full = Admission(limit=0, wait_s=0.01)  # no slot ever frees up
        web = build_web(app, services, signing_secret=SIGNING_SECRET, admission=full)
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
            request = slack_requests.slash_command("help")
            refused = await http.post(
                "/slack/events", content=request.body, headers=request.headers
            )
            samples = await scrape(http)

    assert refused.status_code == 503
    assert value(samples, "backlog_admission_refusals_total") == 1
    assert (
        value(samples, "backlog_requests_total", surface="slack", kind="command", status="503") == 1
    )


async def test_metrics_of_two_apps_in_one_process_are_their_own(
    services: Services, fake_slack: FakeSlack, slack_requests: SlackRequests
):
    async with (
        running_bot(services, fake_slack) as first,
        running_bot(services, fake_slack) as second,
    ):
        await first.send(slack_requests.slash_command("help"))
        seen_by_first, seen_by_second = await scrape(first.http), await scrape(second.http)

    key = (
        "backlog_requests_total",
        frozenset({"surface": "slack", "kind": "command", "status": "200"}.items()),
    )
    assert seen_by_first[key] == 1
    assert key not in seen_by_second


async def test_metrics_show_lagging_orders_by_reason_from_the_team_figures(
    bot: RunningBot, tmp_path: Path
):
    rows = [
        order_row(order_id="SO-1", promised_date="2026-11-20"),  # overdue on 2026-11-24
        order_row(order_id="SO-2", promised_date="2026-11-21"),
        order_row(order_id="SO-3", promised_date="2026-12-20", eta="2026-12-01"),
    ]
    await seed_orders(bot.services, tmp_path, rows)

    samples = await scrape(bot.http)

    assert value(samples, "backlog_open_orders") == 3
    by_reason = {
        reason: value(samples, "backlog_lagging_orders_by_reason", reason=reason)
        for reason in ("overdue", "slipped", "stale", "no_eta", "not_told", "aging")
    }
    assert by_reason == {
        "overdue": 2,
        "slipped": 0,
        "stale": 0,
        "no_eta": 2,  # SO-1 and SO-2 have no ETA
        "not_told": 3,  # no customer has been told anything yet
        "aging": 0,
    }
    assert value(samples, "backlog_lagging_orders") == 3
    assert (
        value(samples, "backlog_order_figures_timestamp_seconds")
        == bot.services.clock().timestamp()
    )


async def test_metrics_start_every_service_outcome_at_zero(bot: RunningBot):
    samples = await scrape(bot.http)

    for name, outcome in [
        ("backlog_digests_total", "posted"),
        ("backlog_digests_total", "failed"),
        ("backlog_alerts_total", "posted"),
        ("backlog_alerts_total", "failed"),
        ("backlog_sync_runs_total", "ok"),
        ("backlog_sync_runs_total", "failed"),
        ("backlog_sync_orders_total", "changed"),
    ]:
        assert value(samples, name, outcome=outcome) == 0


async def test_metrics_count_digests_posted_and_failed(
    bot: RunningBot, fake_slack: FakeSlack, clock: FixedClock
):
    await add_orders(bot.services, [overdue("SO-1")])
    sub = await add_subscription(bot.services)
    jobs = DigestJobs(bot.services, slack_client(fake_slack))
    await jobs.run_due(sub.id or 0)
    clock.advance(days=1)
    fake_slack.set_response("conversations.open", {"channel": {"id": "D0LEAD01"}})
    fake_slack.fail_next("chat.postMessage", error="channel_not_found")
    await jobs.run_due(sub.id or 0)

    samples = await scrape(bot.http)

    assert value(samples, "backlog_digests_total", outcome="posted") == 1
    assert value(samples, "backlog_digests_total", outcome="failed") == 1


async def test_metrics_count_alerts_posted(bot: RunningBot, fake_slack: FakeSlack, tmp_path: Path):
    services = bot.services
    configure_roles_and_teams(services, teams={"emea": "C0EMEA"})
    await seed_orders(services, tmp_path, [order_row(team="emea", promised_date="2026-11-23")])
    settings = bot_settings(fake_slack)
    async with slack_session(settings) as session:
        client = build_client(settings, session)
        await AlertJob(
            services.alerts, AlertDelivery(services.alerts, services.actions, client)
        ).run()

    samples = await scrape(bot.http)

    assert value(samples, "backlog_alerts_total", outcome="posted") == 1


async def test_metrics_count_sync_runs_failures_and_orders_changed(bot: RunningBot):
    upstream = ScriptedUpstream([page([record("SO-1"), record("SO-2")], None), *[status(503)] * 4])
    source = UpstreamSource(
        UpstreamConfig(PLAN.source), transport=upstream.transport, sleep=RecordedSleep()
    )
    services = bot.services
    sync = SyncService(  # wired like services.sync with an upstream configured
        services.sessions, services.clock, UTC, source, MAPPING, PLAN, tallies=services.tallies
    )
    await sync.run_once()
    await sync.run_once()

    samples = await scrape(bot.http)

    assert value(samples, "backlog_sync_runs_total", outcome="ok") == 1
    assert value(samples, "backlog_sync_runs_total", outcome="failed") == 1
    assert value(samples, "backlog_sync_orders_total", outcome="changed") == 2
