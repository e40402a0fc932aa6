"""Which transitions the alert service claims, on both databases, with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap.container import Services
from bot.services.alerts.service import LEASE, MAX_ATTEMPTS, AlertService
from bot.services.core.teams import TeamChannels
from storage.alerts.tables import Alert, AlertKind, AlertStatus
from storage.orders.tables import EventKind, OrderStatus
from tests.kit.common import FixedClock
from tests.services.conftest import events_of, make_order

OWNER, REP = "U0OWNER01", "U0REP0001"
TEAMS = TeamChannels({"emea": "C0EMEA"})


def alerts(services: Services, clock: FixedClock, **options: Any) -> AlertService:
    zone = options.pop("zone", UTC)
    return AlertService(services.sessions, clock, zone, TEAMS, **options)


async def overdue_order(services: Services, external_id: str = "SO-1", **fields: Any) -> None:
    values = {"team": "emea", "owner": OWNER, "promised_date": date(2026, 11, 23)} | fields
    await make_order(services, external_id, **values)


async def test_an_order_whose_due_date_passed_is_claimed_with_a_plan(
    services: Services, clock: FixedClock
):
    await overdue_order(services)

    [plan] = await alerts(services, clock).claim_due(10)

    assert (plan.kind, plan.due, plan.days_late) == (AlertKind.OVERDUE, date(2026, 11, 23), 1)
    assert (plan.channel, plan.thread_ts, plan.dm_owner) == ("C0EMEA", None, OWNER)
    assert plan.skip is None and plan.actor is None


async def test_overdue_starts_at_midnight_in_the_bots_zone(services: Services, clock: FixedClock):
    await overdue_order(services)
    service = alerts(services, clock, zone=ZoneInfo("America/Los_Angeles"))
    clock.now = datetime(2026, 11, 24, 7, 59, tzinfo=UTC)  # 23:59 on the 23rd in Los Angeles

    before_midnight = await service.claim_due(10)
    clock.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    after_midnight = await service.claim_due(10)

    assert before_midnight == []
    assert [p.due for p in after_midnight] == [date(2026, 11, 23)]


async def test_orders_overdue_for_longer_than_the_lookback_are_old_news(
    services: Services, clock: FixedClock
):
    await overdue_order(services, "SO-OLD", promised_date=date(2026, 11, 20))
    await overdue_order(services, "SO-RECENT", promised_date=date(2026, 11, 21))

    plans = await alerts(services, clock).claim_due(10)

    assert [p.order.external_id for p in plans] == ["SO-RECENT"]


async def test_closed_and_snoozed_orders_are_not_announced_until_awake(
    services: Services, clock: FixedClock
):
    await overdue_order(services, "SO-FILLED", status=OrderStatus.FILLED)
    snoozed = await overdue_order_snoozed(services, until=clock.now + timedelta(hours=3))
    service = alerts(services, clock)

    while_snoozed = await service.claim_due(10)
    clock.advance(hours=3)
    awake = await service.claim_due(10)

    assert while_snoozed == []
    assert [p.order.external_id for p in awake] == [snoozed]


async def overdue_order_snoozed(services: Services, until: datetime) -> str:
    await overdue_order(services, "SO-SNOOZED")
    order = (await services.orders.detail("SO-SNOOZED")).order
    await services.actions.snooze(
        "SO-SNOOZED", until, "waiting for the carrier", actor=REP, expected_version=order.version
    )
    return "SO-SNOOZED"


async def test_a_claimed_transition_is_not_claimed_again(services: Services, clock: FixedClock):
    await overdue_order(services)
    first = alerts(services, clock, owner="host-a:1")
    second = alerts(services, clock, owner="host-b:1")

    claimed = await first.claim_due(10)
    again = await second.claim_due(10)
    clock.advance(seconds=LEASE.total_seconds() - 1)
    still = await second.claim_due(10)

    assert len(claimed) == 1
    assert again == still == []


async def test_a_slip_is_claimed_with_its_actor_and_an_earlier_eta_is_not(
    services: Services, clock: FixedClock
):
    await overdue_order(services, promised_date=date(2026, 11, 30))
    await make_order(services, "SO-1", eta=date(2026, 12, 3))  # an import moved it later
    await make_order(services, "SO-1", eta=date(2026, 12, 1))  # and earlier again
    service = alerts(services, clock)

    [plan] = await service.claim_due(10)
    earlier = [e for e in await events_of(services) if e.kind == EventKind.ETA_CHANGED][-1]
    assert earlier.id is not None

    assert (plan.kind, plan.previous, plan.due, plan.slip_days) == (
        AlertKind.SLIPPED,
        date(2026, 11, 30),
        date(2026, 12, 3),
        3,
    )
    assert (plan.actor, plan.actor_label) == ("import:test", "the import of test")
    assert await service.claim_slip(earlier.id) is None


async def test_an_overdue_alert_taken_over_after_the_due_date_moved_is_skipped(
    services: Services, clock: FixedClock
):
    await overdue_order(services)
    await alerts(services, clock, owner="host-a:1").claim_due(10)  # then it crashed
    await make_order(services, "SO-1", eta=date(2026, 11, 27))

    clock.advance(seconds=LEASE.total_seconds() + 1)
    plans = await alerts(services, clock, owner="host-b:1").claim_due(10)

    overdue = [p for p in plans if p.kind == AlertKind.OVERDUE]
    assert [p.skip for p in overdue] == ["the due date moved before the alert went out"]


async def test_an_alert_that_keeps_failing_is_given_up(services: Services, clock: FixedClock):
    await overdue_order(services)
    service = alerts(services, clock)
    [plan] = await service.claim_due(10)

    for _ in range(MAX_ATTEMPTS):
        await service.release(plan, "Slack answered 503 service_unavailable")
        clock.advance(minutes=1)
        taken = await service.claim_due(10)
        plan = taken[0] if taken else plan

    assert taken == []
    assert plan.attempts == MAX_ATTEMPTS
    async with services.sessions() as session:
        alert = await session.get(Alert, plan.alert_id)
    assert alert is not None
    assert (alert.status, alert.detail) == (AlertStatus.FAILED, "gave up after 10 tries")
