"""Contacts, notes, owners, snoozes and threads on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.bootstrap.container import Services
from bot.services.core.errors import InvalidInput
from bot.services.orders.actions import TEXT_LIMIT, ContactChannel, ContactOutcome, OrderActions
from bot.services.orders.lagging import LagRules, lag_reasons
from tests.kit.common import FixedClock
from tests.services.conftest import OTHER_REP, REP, events_of, load_order, make_order


async def log_contact(actions: OrderActions, outcome: ContactOutcome, note: str | None = None):
    return await actions.log_contact(
        "SO-1", ContactChannel.EMAIL, outcome, note, actor=REP, expected_version=None
    )


@pytest.mark.parametrize(
    ("outcome", "reached"),
    [
        (ContactOutcome.INFORMED, True),
        (ContactOutcome.CUSTOMER_ACCEPTED, True),
        (ContactOutcome.CUSTOMER_ESCALATED, True),
        (ContactOutcome.LEFT_MESSAGE, False),
        (ContactOutcome.NO_ANSWER, False),
    ],
)
async def test_log_contact_counts_as_telling_only_when_it_reached_the_customer(
    services: Services,
    actions: OrderActions,
    clock: FixedClock,
    outcome: ContactOutcome,
    reached: bool,
):
    await make_order(services)

    result = await log_contact(actions, outcome, "re: delay")

    assert result.order.last_contact_at == (clock.now if reached else None)
    assert result.order.last_activity_at == clock.now
    [event] = result.events
    assert (event.kind, event.field, event.new_value) == ("contact_logged", "outcome", outcome)
    assert event.note == f"Email, {outcome.label.lower()}: re: delay"


async def test_log_contact_double_click_records_one_event(
    services: Services, actions: OrderActions
):
    await make_order(services)

    first = await log_contact(actions, ContactOutcome.NO_ANSWER)
    second = await log_contact(actions, ContactOutcome.NO_ANSWER)

    assert (first.duplicate, second.duplicate) == (False, True)
    assert [e.kind for e in await events_of(services)] == ["created", "contact_logged"]


async def test_add_note_stores_text_exactly_as_written(services: Services, actions: OrderActions):
    await make_order(services)
    text = "Kunde informiert ✅\n顧客に連絡済み\n  — next: call Friday 📞  "

    result = await actions.add_note("SO-1", text, actor=REP, expected_version=1)

    assert result.events[0].note == text
    assert (await events_of(services))[-1].note == text


async def test_add_note_takes_up_to_the_limit_and_refuses_more(
    services: Services, actions: OrderActions
):
    await make_order(services)

    await actions.add_note("SO-1", "é" * TEXT_LIMIT, actor=REP, expected_version=None)
    with pytest.raises(InvalidInput) as caught:
        await actions.add_note("SO-1", "é" * (TEXT_LIMIT + 1), actor=REP, expected_version=None)

    assert caught.value.field == "note"
    assert "3,000 characters; this one has 3,001" in caught.value.message


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
async def test_add_note_that_is_blank_is_a_field_error(
    services: Services, actions: OrderActions, text: str
):
    await make_order(services)

    with pytest.raises(InvalidInput) as caught:
        await actions.add_note("SO-1", text, actor=REP, expected_version=1)

    assert caught.value.field == "note"


async def test_add_note_double_click_records_one_event(services: Services, actions: OrderActions):
    await make_order(services)

    await actions.add_note("SO-1", "chased supplier", actor=REP, expected_version=1)
    second = await actions.add_note("SO-1", "chased supplier", actor=REP, expected_version=1)

    assert second.duplicate
    assert [e.kind for e in await events_of(services)] == ["created", "note_added"]


async def test_add_note_same_text_later_or_by_someone_else_is_a_new_note(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services)
    await actions.add_note("SO-1", "chased supplier", actor=REP, expected_version=1)

    by_other = await actions.add_note(
        "SO-1", "chased supplier", actor=OTHER_REP, expected_version=2
    )
    clock.advance(minutes=2)
    later = await actions.add_note("SO-1", "chased supplier", actor=REP, expected_version=3)

    assert (by_other.duplicate, later.duplicate) == (False, False)
    assert len(await events_of(services)) == 4


async def test_assign_owner_records_old_and_new_owner(services: Services, actions: OrderActions):
    await make_order(services, owner="UOLD00001")

    result = await actions.assign_owner("SO-1", REP, actor=REP, expected_version=1)

    assert result.order.owner == REP
    event = result.events[0]
    assert (event.kind, event.old_value, event.new_value) == ("owner_changed", "UOLD00001", REP)


async def test_assign_owner_to_the_current_owner_is_a_duplicate(
    services: Services, actions: OrderActions
):
    await make_order(services, owner=REP)

    result = await actions.assign_owner("SO-1", REP, actor=REP, expected_version=1)

    assert result.duplicate and result.order.version == 1
    assert len(await events_of(services)) == 1


async def test_assign_owner_blank_is_a_field_error(services: Services, actions: OrderActions):
    await make_order(services)

    with pytest.raises(InvalidInput) as caught:
        await actions.assign_owner("SO-1", "  ", actor=REP, expected_version=1)

    assert caught.value.field == "owner"


async def test_snooze_quiets_the_order_until_then_and_logs_why(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services, promised_date=date(2026, 11, 20))
    until = clock.now + timedelta(days=2)

    result = await actions.snooze(
        "SO-1", until, "supplier confirms Monday", actor=REP, expected_version=1
    )

    assert result.order.snoozed_until == until
    assert lag_reasons(result.order, clock.now, date(2026, 11, 24), LagRules()) == []
    event = result.events[0]
    assert (event.kind, event.new_value, event.note) == (
        "snoozed",
        until.isoformat(),
        "supplier confirms Monday",
    )


@pytest.mark.parametrize(
    ("offset", "reason", "field"),
    [
        (timedelta(0), "wait", "until"),
        (-timedelta(hours=1), "wait", "until"),
        (None, " ", "reason"),
    ],
)
async def test_snooze_needs_a_future_time_and_a_reason(
    services: Services,
    actions: OrderActions,
    clock: FixedClock,
    offset: timedelta | None,
    reason: str,
    field: str,
):
    await make_order(services)
    until = clock.now + (offset if offset is not None else timedelta(days=1))

    with pytest.raises(InvalidInput) as caught:
        await actions.snooze("SO-1", until, reason, actor=REP, expected_version=1)

    assert caught.value.field == field


async def test_record_thread_keeps_the_first_thread_and_the_version(
    services: Services, actions: OrderActions
):
    await make_order(services)

    first = await actions.record_thread("SO-1", "C0EMEA", "1764000000.000100")
    second = await actions.record_thread("SO-1", "C0EMEA", "1764000000.000200")

    assert (first.duplicate, second.duplicate) == (False, True)
    order = await load_order(services)
    assert (order.thread_channel, order.thread_ts) == ("C0EMEA", "1764000000.000100")
    assert order.version == 1 and len(await events_of(services)) == 1


async def test_record_thread_replaces_a_thread_in_another_channel(
    services: Services, actions: OrderActions
):
    await make_order(services)
    await actions.record_thread("SO-1", "C0EMEA", "1764000000.000100")

    moved = await actions.record_thread("SO-1", "C0APAC", "1764000000.000300")

    assert moved.duplicate is False
    order = await load_order(services)
    assert (order.thread_channel, order.thread_ts) == ("C0APAC", "1764000000.000300")
