"""The alerts job against the fake Slack, on both databases: each transition is posted once."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

from bot.bootstrap.container import Services, build_services
from bot.sandbox.web_api import Call, FakeSlack
from bot.services.alerts.service import LEASE, AlertService
from bot.services.orders.actions import ContactChannel, ContactOutcome, EtaReason
from storage.alerts.tables import AlertKind, AlertStatus
from tests.conftest import Database
from tests.kit.alerts import alert_job, alerts_of, run_alert_job, thread_lines
from tests.kit.common import FixedClock, configure_roles_and_teams, order_row, seed_orders

OWNER, OTHER_REP = "U0REP0001", "U0OTHER01"
CHANNEL = "C0EMEA"


async def seed(services: Services, tmp_path: Path, *rows: dict[str, Any]) -> None:
    configure_roles_and_teams(services, teams={"emea": CHANNEL})
    await seed_orders(services, tmp_path, rows)


def overdue_row(order_id: str = "SO-1001", **overrides: Any) -> dict[str, Any]:
    """An order of team emea that became overdue today (due yesterday, 2026-11-23)."""
    fields = {"team": "emea", "owner": OWNER, "promised_date": "2026-11-23"} | overrides
    return order_row(order_id=order_id, **fields)


def direct_messages(fake: FakeSlack) -> list[Call]:
    return [c for c in fake.calls_to("chat.postMessage") if str(c.args["channel"]).startswith("U")]


async def test_an_overdue_order_is_announced_once_across_runs_and_restarts(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(services, tmp_path, overdue_row())

    async with alert_job(services, fake_slack) as job:
        await job.run()
        await job.run()
    await run_alert_job(services, fake_slack, owner="host-a:2")  # the process restarted

    [parent, line, dm] = fake_slack.calls_to("chat.postMessage")
    assert parent.args["channel"] == line.args["channel"] == CHANNEL
    assert line.args["thread_ts"] == (await services.orders.detail("SO-1001")).order.thread_ts
    assert line.args["text"].startswith("Overdue: due 2026-11-23 (Mon) passed, 1 day late")
    assert f"<@{OWNER}>" not in line.args["text"]
    assert dm.args["channel"] == OWNER
    [alert] = await alerts_of(services)
    assert (alert.kind, alert.transition, alert.status) == (
        AlertKind.OVERDUE,
        "2026-11-23",
        AlertStatus.POSTED,
    )
    assert (alert.dm_user, alert.attempts) == (OWNER, 1)


async def test_a_new_due_date_after_an_eta_change_is_a_new_transition(
    services: Services, fake_slack: FakeSlack, tmp_path: Path, clock: FixedClock
):
    await seed(services, tmp_path, overdue_row())
    await run_alert_job(services, fake_slack)
    order = (await services.orders.detail("SO-1001")).order
    await services.actions.change_eta(
        "SO-1001", date(2026, 11, 26), EtaReason.SUPPLIER_DELAY, None, False,
        actor=OTHER_REP, expected_version=order.version,
    )  # fmt: skip
    await run_alert_job(services, fake_slack)

    clock.advance(days=3)  # 2026-11-27: the new ETA passed
    await run_alert_job(services, fake_slack)
    await run_alert_job(services, fake_slack)

    texts = [call.args["text"] for call in thread_lines(fake_slack)]
    assert len(texts) == 3
    assert texts[0].startswith("Overdue: due 2026-11-23")
    assert texts[1].startswith("ETA slipped 3 days to 2026-11-26")
    assert texts[2].startswith("Overdue: due 2026-11-26 (Thu) passed, 1 day late")
    assert len({call.args["thread_ts"] for call in thread_lines(fake_slack)}) == 1
    kinds = [(a.kind, a.transition) for a in await alerts_of(services)]
    assert kinds[0] == (AlertKind.OVERDUE, "2026-11-23")
    assert kinds[1][0] == AlertKind.SLIPPED
    assert kinds[2] == (AlertKind.OVERDUE, "2026-11-26")


async def test_a_slip_from_a_csv_import_is_announced_with_the_import_named(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(services, tmp_path, overdue_row(promised_date="2026-11-30"))

    await seed_orders(
        services, tmp_path, [overdue_row(promised_date="2026-11-30", eta="2026-12-04")]
    )
    await run_alert_job(services, fake_slack)
    await run_alert_job(services, fake_slack)

    [line] = thread_lines(fake_slack)
    assert line.args["text"].startswith("ETA slipped 4 days to 2026-12-04 (promised 2026-11-30")
    assert "— the import of seed-" in line.args["text"]
    [dm] = direct_messages(fake_slack)
    assert dm.args["channel"] == OWNER
    assert "No customer contact is logged since the ETA changed" in dm.args["text"]


async def test_an_earlier_eta_is_no_slip_and_not_announced(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(services, tmp_path, overdue_row(promised_date="2026-11-30"))

    await seed_orders(
        services, tmp_path, [overdue_row(promised_date="2026-11-30", eta="2026-11-27")]
    )
    await run_alert_job(services, fake_slack)

    assert fake_slack.calls_to("chat.postMessage") == []
    assert await alerts_of(services) == []


async def test_the_owner_gets_no_dm_when_a_contact_was_logged_since_the_eta_changed(
    services: Services, fake_slack: FakeSlack, tmp_path: Path, clock: FixedClock
):
    await seed(services, tmp_path, overdue_row(promised_date="2026-11-30"))
    order = (await services.orders.detail("SO-1001")).order
    slipped = await services.actions.change_eta(
        "SO-1001", date(2026, 12, 2), EtaReason.SUPPLIER_DELAY, None, False,
        actor=OTHER_REP, expected_version=order.version,
    )  # fmt: skip
    clock.advance(minutes=5)
    await services.actions.log_contact(
        "SO-1001", ContactChannel.PHONE, ContactOutcome.INFORMED, None,
        actor=OTHER_REP, expected_version=slipped.order.version,
    )  # fmt: skip

    await run_alert_job(services, fake_slack)

    [line] = thread_lines(fake_slack)
    assert line.args["text"].startswith("ETA slipped 2 days to 2026-12-02")
    assert direct_messages(fake_slack) == []


async def test_the_owner_who_slipped_the_eta_themselves_gets_no_dm(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(services, tmp_path, overdue_row(promised_date="2026-11-30"))
    order = (await services.orders.detail("SO-1001")).order
    await services.actions.change_eta(
        "SO-1001", date(2026, 12, 2), EtaReason.SUPPLIER_DELAY, None, False,
        actor=OWNER, expected_version=order.version,
    )  # fmt: skip

    await run_alert_job(services, fake_slack)

    assert len(thread_lines(fake_slack)) == 1
    assert direct_messages(fake_slack) == []


async def test_an_owner_given_by_email_is_found_by_email_and_dmed(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(services, tmp_path, overdue_row(owner="dana@example.com"))
    fake_slack.set_response("users.lookupByEmail", {"user": {"id": "U0DANA001"}})

    await run_alert_job(services, fake_slack)

    assert fake_slack.last("users.lookupByEmail").args["email"] == "dana@example.com"
    [dm] = direct_messages(fake_slack)
    assert dm.args["channel"] == "U0DANA001"


async def test_an_owner_by_email_who_made_the_slip_gets_no_dm(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(
        services, tmp_path, overdue_row(owner="dana@example.com", promised_date="2026-12-01")
    )
    fake_slack.set_response("users.lookupByEmail", {"user": {"id": "U0DANA001"}})
    order = (await services.orders.detail("SO-1001")).order
    await services.actions.change_eta(
        "SO-1001", date(2026, 12, 3), EtaReason.SUPPLIER_DELAY, None, False,
        actor="U0DANA001", expected_version=order.version,
    )  # fmt: skip

    await run_alert_job(services, fake_slack)

    assert len(thread_lines(fake_slack)) == 1
    assert direct_messages(fake_slack) == []
    [alert] = await alerts_of(services)
    assert alert.detail == "no DM: the owner made the change themselves"


async def test_an_email_slack_does_not_know_skips_the_dm_and_says_why(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(services, tmp_path, overdue_row(owner="gone@example.com"))
    fake_slack.fail_next("users.lookupByEmail", error="users_not_found")

    await run_alert_job(services, fake_slack)

    assert len(thread_lines(fake_slack)) == 1
    assert direct_messages(fake_slack) == []
    [alert] = await alerts_of(services)
    assert alert.status == AlertStatus.POSTED
    assert alert.detail == "no DM: no Slack user with email gone@example.com (users_not_found)"


async def test_three_concurrent_job_runs_post_each_alert_once(
    services: Services, database: Database, clock: FixedClock, fake_slack: FakeSlack,
    tmp_path: Path,
):  # fmt: skip
    rows = [overdue_row(f"SO-{n}", owner=None) for n in range(1, 4)]
    await seed(services, tmp_path, *rows)
    processes = [
        build_services(database.url, clock=clock, schema=database.schema) for _ in range(3)
    ]
    for process in processes:
        configure_roles_and_teams(process, teams={"emea": CHANNEL})

    try:
        runs = [run_alert_job(p, fake_slack, owner=f"host-{n}:1") for n, p in enumerate(processes)]
        await asyncio.gather(*runs)
    finally:
        for process in processes:
            await process.close()

    lines = thread_lines(fake_slack)
    assert (
        sorted(line.args["text"][:30] for line in lines) == ["Overdue: due 2026-11-23 (Mon) "] * 3
    )
    assert len({line.args["thread_ts"] for line in lines}) == 3
    assert [a.status for a in await alerts_of(services)] == [AlertStatus.POSTED] * 3


async def test_a_claim_left_by_a_crash_is_taken_over_after_the_lease(
    services: Services, fake_slack: FakeSlack, tmp_path: Path, clock: FixedClock
):
    await seed(services, tmp_path, overdue_row())
    crashed = AlertService(
        services.sessions, clock, services.orders.zone, services.teams, owner="host-a:1"
    )
    assert len(await crashed.claim_due(20)) == 1  # claimed, then the process died

    clock.advance(seconds=LEASE.total_seconds() - 1)
    await run_alert_job(services, fake_slack, owner="host-a:2")
    before_lease = len(fake_slack.calls_to("chat.postMessage"))
    clock.advance(seconds=2)
    await run_alert_job(services, fake_slack, owner="host-a:2")
    await run_alert_job(services, fake_slack, owner="host-a:2")

    assert before_lease == 0
    assert len(thread_lines(fake_slack)) == 1
    [alert] = await alerts_of(services)
    assert (alert.status, alert.claimed_by, alert.attempts) == (AlertStatus.POSTED, "host-a:2", 2)


async def test_a_takeover_after_the_line_was_posted_sends_only_the_dm(
    services: Services, fake_slack: FakeSlack, tmp_path: Path, clock: FixedClock
):
    await seed(services, tmp_path, overdue_row())
    crashed = AlertService(
        services.sessions, clock, services.orders.zone, services.teams, owner="host-a:1"
    )
    [plan] = await crashed.claim_due(20)
    await crashed.line_posted(plan, CHANNEL, "1700000000.000900")  # then it died

    clock.advance(seconds=LEASE.total_seconds() + 1)
    await run_alert_job(services, fake_slack, owner="host-a:2")

    assert thread_lines(fake_slack) == []
    [dm] = direct_messages(fake_slack)
    assert dm.args["channel"] == OWNER
    [alert] = await alerts_of(services)
    assert (alert.status, alert.line_ts) == (AlertStatus.POSTED, "1700000000.000900")


async def test_a_429_is_retried_after_retry_after_and_posts_once(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(services, tmp_path, overdue_row(owner=None))
    fake_slack.rate_limit_next("chat.postMessage", retry_after=0)

    await run_alert_job(services, fake_slack)

    assert len(fake_slack.calls_to("chat.postMessage")) == 3  # 429, then the parent, the line
    assert len(thread_lines(fake_slack)) == 1
    [alert] = await alerts_of(services)
    assert alert.status == AlertStatus.POSTED


async def test_slack_rate_limiting_past_the_retries_postpones_alerts_to_the_next_run(
    services: Services, fake_slack: FakeSlack, tmp_path: Path, clock: FixedClock
):
    await seed(services, tmp_path, overdue_row("SO-1", owner=None), overdue_row("SO-2", owner=None))
    fake_slack.rate_limit_next("chat.postMessage", retry_after=0, times=4)

    await run_alert_job(services, fake_slack)  # must not raise
    postponed = await alerts_of(services)
    clock.advance(minutes=1)
    await run_alert_job(services, fake_slack)

    assert [a.status for a in postponed] == [AlertStatus.CLAIMED] * 2
    assert postponed[0].detail == "Slack answered 429 ratelimited"
    assert len(fake_slack.calls_to("chat.postMessage")) == 4 + 4  # 429s, then 2 parents, 2 lines
    assert [a.status for a in await alerts_of(services)] == [AlertStatus.POSTED] * 2


async def test_channel_not_found_fails_that_alert_and_the_job_goes_on(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(services, tmp_path, overdue_row("SO-1", owner=None), overdue_row("SO-2", owner=None))
    fake_slack.fail_next("chat.postMessage", error="channel_not_found")

    await run_alert_job(services, fake_slack)
    await run_alert_job(services, fake_slack)

    first, second = await alerts_of(services)
    assert (first.status, first.detail) == (
        AlertStatus.FAILED,
        f"posting in {CHANNEL} failed: channel_not_found",
    )
    assert second.status == AlertStatus.POSTED
    assert len(thread_lines(fake_slack)) == 1


async def test_a_team_without_a_channel_posts_nothing_and_is_recorded(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
):
    await seed(services, tmp_path, overdue_row(team="apac", owner=None))

    await run_alert_job(services, fake_slack)
    await run_alert_job(services, fake_slack)

    assert fake_slack.calls_to("chat.postMessage") == []
    [alert] = await alerts_of(services)
    assert (alert.status, alert.detail) == (
        AlertStatus.SKIPPED,
        "team 'apac' has no channel in TEAM_CHANNELS",
    )
