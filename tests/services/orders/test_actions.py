"""Order actions on both databases: ETA changes, version checks, double clicks, history."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap.container import Services
from bot.services.core.errors import InvalidInput, OrderNotFound, StaleUpdate
from bot.services.orders.actions import ContactChannel, ContactOutcome, EtaReason, OrderActions
from storage.orders.tables import OrderStatus
from tests.kit.common import FixedClock
from tests.services.conftest import OTHER_REP, REP, ROLES, events_of, load_order, make_order


async def change_eta(
    actions: OrderActions,
    eta: date,
    *,
    version: int | None = 1,
    actor: str = REP,
    note: str | None = None,
    informed: bool = False,
):
    return await actions.change_eta(
        "SO-1",
        eta,
        EtaReason.SUPPLIER_DELAY,
        note,
        informed,
        actor=actor,
        expected_version=version,
    )


async def test_change_eta_later_is_a_slip_and_keeps_the_promise(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services, promised_date=date(2026, 11, 30))

    result = await change_eta(actions, date(2026, 12, 5), note="vessel missed")

    order = result.order
    assert (order.current_eta, order.promised_date) == (date(2026, 12, 5), date(2026, 11, 30))
    assert (order.slip_count, order.days_slipped, result.slipped_days) == (1, 5, 5)
    assert order.eta_changed_at == clock.now and order.last_activity_at == clock.now
    assert order.version == 2 and not result.duplicate
    [event] = result.events
    assert (event.kind, event.field, event.old_value, event.new_value, event.actor) == (
        "eta_changed",
        "current_eta",
        None,
        "2026-12-05",
        REP,
    )
    assert event.note == "Supplier delay: vessel missed; slipped 5 day(s)"


async def test_change_eta_slips_add_up_and_an_earlier_eta_is_no_slip(
    services: Services, actions: OrderActions
):
    await make_order(services, promised_date=date(2026, 11, 30))

    await change_eta(actions, date(2026, 12, 5), version=1)
    earlier = await change_eta(actions, date(2026, 12, 2), version=2)
    await change_eta(actions, date(2026, 12, 10), version=3)

    order = await load_order(services)
    assert (order.slip_count, order.days_slipped) == (2, 5 + 8)
    assert earlier.slipped_days == 0
    assert earlier.events[0].note == "Supplier delay"
    assert order.promised_date == date(2026, 11, 30)


async def test_change_eta_in_the_past_is_a_field_error(services: Services, actions: OrderActions):
    await make_order(services)

    with pytest.raises(InvalidInput) as caught:
        await change_eta(actions, date(2026, 11, 23))

    assert (caught.value.field, caught.value.message) == ("eta", "The new ETA is in the past.")
    assert len(await events_of(services)) == 1


async def test_change_eta_judges_the_past_in_the_bot_zone(services: Services, clock: FixedClock):
    await make_order(services)
    clock.now = datetime.fromisoformat("2026-11-24T23:30:00+00:00")  # 25 Nov in Auckland
    auckland = OrderActions(services.sessions, clock, ZoneInfo("Pacific/Auckland"), ROLES)

    with pytest.raises(InvalidInput, match="in the past"):
        await change_eta(auckland, date(2026, 11, 24))


async def test_change_eta_to_the_current_eta_is_a_field_error(
    services: Services, actions: OrderActions
):
    await make_order(services, promised_date=date(2026, 11, 30))

    with pytest.raises(InvalidInput) as caught:
        await change_eta(actions, date(2026, 11, 30))

    assert (caught.value.field, caught.value.message) == ("eta", "That is already the ETA.")


async def test_change_eta_of_a_closed_order_is_refused(services: Services, actions: OrderActions):
    await make_order(services, status=OrderStatus.FILLED)

    with pytest.raises(InvalidInput) as caught:
        await change_eta(actions, date(2026, 12, 5))

    assert caught.value.field is None
    assert "filled" in caught.value.message


async def test_change_eta_customer_informed_also_logs_a_contact(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services)

    result = await change_eta(actions, date(2026, 12, 5), informed=True)

    assert result.order.last_contact_at == clock.now
    assert [(e.kind, e.new_value, e.note) for e in result.events][1] == (
        "contact_logged",
        "informed",
        "told with the ETA change",
    )


async def test_change_eta_double_click_records_one_event(services: Services, actions: OrderActions):
    await make_order(services)

    first = await change_eta(actions, date(2026, 12, 5), version=1)
    second = await change_eta(actions, date(2026, 12, 5), version=1)

    assert (first.duplicate, second.duplicate) == (False, True)
    assert second.events == [] and second.order.version == 2
    assert [e.kind for e in await events_of(services)] == ["created", "eta_changed"]
    assert (await load_order(services)).slip_count == 1


async def test_change_eta_simultaneous_double_click_records_one_event(
    services: Services, actions: OrderActions
):
    await make_order(services)

    results = await asyncio.gather(
        change_eta(actions, date(2026, 12, 5), version=1),
        change_eta(actions, date(2026, 12, 5), version=1),
    )

    assert sorted(r.duplicate for r in results) == [False, True]
    assert [e.kind for e in await events_of(services)] == ["created", "eta_changed"]
    assert (await load_order(services)).version == 2


async def test_change_eta_after_someone_else_changed_the_order_is_stale(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services)
    await change_eta(actions, date(2026, 12, 5), actor=OTHER_REP, version=1)
    changed_at = clock.now
    clock.advance(minutes=3)

    with pytest.raises(StaleUpdate) as caught:
        await change_eta(actions, date(2026, 12, 9), version=1)

    stale = caught.value
    assert (stale.changed_by, stale.changed_at) == (OTHER_REP, changed_at)
    assert (stale.fresh.version, stale.fresh.current_eta) == (2, date(2026, 12, 5))
    assert f"<@{OTHER_REP}> changed this order" in stale.message
    assert len(await events_of(services)) == 2


async def test_change_eta_without_an_expected_version_skips_the_check(
    services: Services, actions: OrderActions
):
    await make_order(services)
    await change_eta(actions, date(2026, 12, 5), version=1)

    result = await change_eta(actions, date(2026, 12, 9), version=None)

    assert (result.order.version, result.order.current_eta) == (3, date(2026, 12, 9))


async def test_change_eta_of_an_unknown_order_is_not_found(actions: OrderActions):
    with pytest.raises(OrderNotFound) as caught:
        await change_eta(actions, date(2026, 12, 5))

    assert caught.value.external_id == "SO-1"


async def test_actions_leave_a_readable_history(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services, promised_date=date(2026, 11, 30), owner="UOLD00001")
    await change_eta(actions, date(2026, 12, 3), note="port strike", version=1)
    phone, accepted = ContactChannel.PHONE, ContactOutcome.CUSTOMER_ACCEPTED
    await actions.log_contact("SO-1", phone, accepted, "ok", actor=REP, expected_version=2)
    await actions.assign_owner("SO-1", REP, actor=REP, expected_version=3)
    await actions.add_note("SO-1", "Call again Friday", actor=REP, expected_version=4)

    _, history = await services.orders.history("SO-1")

    assert [(e.kind, e.field, e.old_value, e.new_value, e.note) for e in history[:4]] == [
        ("note_added", None, None, None, "Call again Friday"),
        ("owner_changed", "owner", "UOLD00001", REP, None),
        ("contact_logged", "outcome", None, "customer_accepted", "Phone, customer accepted: ok"),
        (
            "eta_changed",
            "current_eta",
            None,
            "2026-12-03",
            "Supplier delay: port strike; slipped 3 day(s)",
        ),
    ]
    assert {(e.actor, e.source, e.at) for e in history[:4]} == {(REP, "slack", clock.now)}
