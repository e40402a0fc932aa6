"""Weekly feedback report subscriptions and their due runs, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.bootstrap.container import Services
from bot.services.core.errors import InvalidInput
from bot.services.core.roles import PermissionDenied
from bot.services.feedback.digests import FeedbackDigests
from storage.digests.tables import DigestSubscription
from tests.kit.common import FixedClock
from tests.services.conftest import LEAD, ROLES, VIEWER


async def rows(services: Services) -> list[DigestSubscription]:
    async with services.sessions() as session:
        query = select(DigestSubscription).order_by(col(DigestSubscription.id))
        return list((await session.execute(query)).scalars())


async def test_subscribe_stores_a_feedback_kind_subscription(services: Services):
    subscription = await services.feedback_digests.subscribe("C0LEADS", actor=LEAD, team=" emea ")

    [row] = await rows(services)
    assert (row.kind, row.channel_id, row.created_by) == ("feedback", "C0LEADS", LEAD)
    assert (row.days, row.times, row.zone, row.filters) == ("mon", "09:00", "UTC", {"team": "emea"})
    assert subscription.next_run == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def test_subscribe_again_reschedules_the_same_subscription(services: Services):
    await services.feedback_digests.subscribe("C0LEADS", actor=LEAD, team="emea")
    await services.feedback_digests.unsubscribe("C0LEADS", actor=LEAD)

    subscription = await services.feedback_digests.subscribe(
        "C0LEADS", actor=LEAD, day="Thu", at="7:45"
    )

    [row] = await rows(services)
    assert (row.days, row.times, row.filters, row.paused) == ("thu", "07:45", {}, False)
    assert subscription.next_run == datetime(2026, 11, 26, 7, 45, tzinfo=UTC)


async def test_lagging_digests_are_never_taken_for_feedback_reports(
    services: Services, clock: FixedClock
):
    async with services.sessions() as session:
        session.add(
            DigestSubscription(
                channel_id="C0LEADS",
                created_by=LEAD,
                days="mon",
                times="09:00",
                zone="UTC",
                created_at=clock.now,
                updated_at=clock.now,
            )
        )
        await session.commit()
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    stopped = await services.feedback_digests.unsubscribe("C0LEADS", actor=LEAD)

    assert stopped is False
    assert await services.feedback_digests.due() == []
    assert [row.kind for row in await rows(services)] == ["lagging"]


@pytest.mark.parametrize(
    ("day", "at", "field"),
    [("mon-fri", None, "days"), ("funday", None, "days"), (None, "09:00,17:00", "times"),
     (None, "9am", "times")],
)  # fmt: skip
async def test_subscribe_refuses_anything_but_one_day_and_one_time(
    services: Services, day: str | None, at: str | None, field: str
):
    with pytest.raises(InvalidInput) as raised:
        await services.feedback_digests.subscribe("C0LEADS", actor=LEAD, day=day, at=at)

    assert raised.value.field == field
    assert await rows(services) == []


async def test_subscribe_refuses_viewers(services: Services, clock: FixedClock):
    digests = FeedbackDigests(services.sessions, clock, UTC, ROLES)

    with pytest.raises(PermissionDenied):
        await digests.subscribe("C0LEADS", actor=VIEWER)


async def test_due_runs_follow_the_bots_zone_across_a_dst_change(
    services: Services, clock: FixedClock
):
    berlin = ZoneInfo("Europe/Berlin")
    digests = FeedbackDigests(services.sessions, clock, berlin, services.roles)
    clock.now = datetime(2026, 3, 20, tzinfo=UTC)
    await digests.subscribe("C0LEADS", actor=LEAD, day="mon", at="09:00")
    clock.now = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST, the first Monday of summer

    [due] = await digests.due()

    assert (due.slot.key, due.slot.at) == ("2026-03-30T09:00", clock.now)
