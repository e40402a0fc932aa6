"""Event receipts: the first delivery wins, failures are forgotten, old receipts purged."""

from __future__ import annotations

from bot.bootstrap.container import Services
from bot.services.core.event_receipts import RETENTION, EventReceipts
from tests.kit.common import FixedClock


def receipts_of(services: Services, owner: str) -> EventReceipts:
    return EventReceipts(services.sessions, services.clock, owner=owner)


async def test_event_receipts_first_delivery_wins(services: Services):
    a, b = receipts_of(services, "host-a:1"), receipts_of(services, "host-b:1")

    firsts = [await a.first_delivery("Ev1", "app_home_opened") for _ in range(2)]
    other = await b.first_delivery("Ev1", "app_home_opened")

    assert firsts == [True, False]
    assert other is False


async def test_event_receipts_forget_only_their_own_receipt(services: Services):
    a, b = receipts_of(services, "host-a:1"), receipts_of(services, "host-b:1")
    await a.first_delivery("Ev1", "app_home_opened")

    forgotten_by_other = await b.forget("Ev1")
    forgotten_by_owner = await a.forget("Ev1")

    assert (forgotten_by_other, forgotten_by_owner) == (False, True)
    assert await b.first_delivery("Ev1", "app_home_opened") is True


async def test_event_receipts_purge_keeps_what_slack_may_still_redeliver(
    services: Services, clock: FixedClock
):
    receipts = receipts_of(services, "host-a:1")
    await receipts.first_delivery("EvOld", "app_home_opened")
    clock.advance(seconds=RETENTION.total_seconds() - 60)
    await receipts.first_delivery("EvRecent", "app_home_opened")
    clock.advance(seconds=61)

    purged = await receipts.purge()

    assert purged == 1
    assert await receipts.first_delivery("EvOld", "app_home_opened") is True
    assert await receipts.first_delivery("EvRecent", "app_home_opened") is False
