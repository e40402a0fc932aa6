"""The everyday action rules (ETA, contact, note, owner, snooze) decided on plain objects."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.services.core.errors import InvalidInput
from bot.services.orders.actions.inputs import ContactChannel, ContactOutcome, EtaReason
from bot.services.orders.actions.plans import (
    TOLD_WITH_ETA,
    EtaChange,
    plan_contact,
    plan_eta,
    plan_note,
    plan_owner,
    plan_snooze,
    require_open,
)
from bot.services.orders.actions.unit import Context, Plan
from storage.orders.tables import EventKind, EventSource, Order, OrderEvent, OrderStatus

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
PROMISE = date(2026, 11, 30)
REP = "UREP00001"
OTHER_REP = "UREP00002"


def make_order(**overrides: Any) -> Order:
    """An open order promised for PROMISE, never moved; override any column."""
    values: dict[str, Any] = {
        "id": 1,
        "external_id": "SO-1",
        "customer": "Acme Hospital",
        "status": OrderStatus.CONFIRMED,
        "ordered_at": NOW - timedelta(days=20),
        "promised_date": PROMISE,
        "last_activity_at": NOW - timedelta(days=1),
        "created_at": NOW - timedelta(days=20),
        "updated_at": NOW - timedelta(days=1),
    }
    values.update(overrides)
    return Order(**values)


def make_context(**overrides: Any) -> Context:
    """REP acting from Slack at NOW; override any field."""
    values: dict[str, Any] = {"actor": REP, "now": NOW, "today": TODAY, "source": EventSource.SLACK}
    values.update(overrides)
    return Context(**values)


def eta_change(eta: date, **overrides: Any) -> EtaChange:
    values: dict[str, Any] = {
        "eta": eta,
        "reason": EtaReason.SUPPLIER_DELAY,
        "note": None,
        "customer_informed": False,
    }
    values.update(overrides)
    return EtaChange(**values)


def contact(
    order: Order, ctx: Context, recent: list[OrderEvent] | None = None, **kwargs: Any
) -> Plan:
    values: dict[str, Any] = {
        "channel": ContactChannel.PHONE,
        "outcome": ContactOutcome.INFORMED,
        "note": None,
    }
    values.update(kwargs)
    return plan_contact(order, ctx, recent or [], **values)


def earlier(seconds: int = 30, actor: str = REP) -> Context:
    """The same kind of context a few seconds before NOW (inside the repeat window)."""
    return make_context(now=NOW - timedelta(seconds=seconds), actor=actor)


# require_open


@pytest.mark.parametrize("status", [OrderStatus.FILLED, OrderStatus.CANCELLED])
def test_require_open_refuses_a_closed_order_naming_its_status(status: OrderStatus):
    order = make_order(status=status)

    with pytest.raises(InvalidInput) as refused:
        require_open(order, "snooze")

    assert refused.value.field is None
    assert refused.value.message == (
        f"This order is {status.label.lower()}; you cannot snooze a closed order."
    )


@pytest.mark.parametrize(
    "status",
    [
        OrderStatus.RECEIVED,
        OrderStatus.CONFIRMED,
        OrderStatus.BACKORDERED,
        OrderStatus.PARTIALLY_FILLED,
    ],
)
def test_require_open_lets_every_open_status_through(status: OrderStatus):
    order = make_order(status=status)

    require_open(order, "snooze")  # no error

    assert order.is_open


# plan_eta


def test_plan_eta_refuses_a_date_before_today_on_the_eta_field():
    order = make_order()

    with pytest.raises(InvalidInput) as refused:
        plan_eta(order, eta_change(TODAY - timedelta(days=1)), make_context())

    assert (refused.value.field, refused.value.message) == ("eta", "The new ETA is in the past.")


def test_plan_eta_accepts_today_as_the_new_eta():
    order = make_order()

    plan = plan_eta(order, eta_change(TODAY), make_context())

    assert plan.values["current_eta"] == TODAY
    assert not plan.already


def test_plan_eta_judges_the_past_by_the_contexts_today_not_the_utc_date():
    # 23:30 UTC on the 24th is already the 25th in the bot's zone: the 24th is then past.
    late_evening = make_context(
        now=datetime(2026, 11, 24, 23, 30, tzinfo=UTC), today=date(2026, 11, 25)
    )
    order = make_order()

    with pytest.raises(InvalidInput) as refused:
        plan_eta(order, eta_change(date(2026, 11, 24)), late_evening)

    assert refused.value.field == "eta"


def test_plan_eta_to_the_current_eta_is_already_so_with_an_error_to_show():
    order = make_order(current_eta=date(2026, 12, 5))

    plan = plan_eta(order, eta_change(date(2026, 12, 5)), make_context())

    assert plan.already
    assert plan.already_error is not None
    assert (plan.already_error.field, plan.already_error.message) == (
        "eta",
        "That is already the ETA.",
    )
    assert (plan.values, plan.events) == ({}, [])


def test_plan_eta_to_the_promise_of_an_order_without_eta_is_already_so():
    order = make_order(current_eta=None)

    plan = plan_eta(order, eta_change(PROMISE), make_context())

    assert plan.already
    assert plan.already_error is not None


def test_plan_eta_later_than_the_promise_is_a_slip_of_the_difference():
    order = make_order()

    plan = plan_eta(order, eta_change(PROMISE + timedelta(days=5)), make_context())

    assert plan.values == {
        "current_eta": date(2026, 12, 5),
        "eta_changed_at": NOW,
        "slip_count": 1,
        "days_slipped": 5,
    }
    assert plan.slipped_days == 5
    assert not plan.already


def test_plan_eta_slip_adds_to_the_counters_from_the_current_eta():
    order = make_order(current_eta=date(2026, 12, 5), slip_count=1, days_slipped=5)

    plan = plan_eta(order, eta_change(date(2026, 12, 8)), make_context())

    assert (plan.values["slip_count"], plan.values["days_slipped"]) == (2, 8)
    assert plan.slipped_days == 3


def test_plan_eta_earlier_than_before_is_not_a_slip():
    order = make_order(current_eta=date(2026, 12, 5), slip_count=1, days_slipped=5)

    plan = plan_eta(order, eta_change(date(2026, 12, 1)), make_context())

    assert plan.values == {
        "current_eta": date(2026, 12, 1),
        "eta_changed_at": NOW,
        "slip_count": 1,
        "days_slipped": 5,
    }
    assert plan.slipped_days == 0


def test_plan_eta_records_one_eta_event_with_reason_note_and_slip():
    order = make_order(current_eta=date(2026, 12, 5))
    change = eta_change(date(2026, 12, 7), reason=EtaReason.TRANSPORT, note="truck broke down")

    plan = plan_eta(order, change, make_context())

    [event] = plan.events
    assert (event.order_id, event.at, event.actor, event.source) == (1, NOW, REP, EventSource.SLACK)
    assert (event.kind, event.field) == (EventKind.ETA_CHANGED, "current_eta")
    assert (event.old_value, event.new_value) == ("2026-12-05", "2026-12-07")
    assert event.note == "Transport: truck broke down; slipped 2 day(s)"


def test_plan_eta_event_of_a_first_eta_earlier_than_the_promise_says_only_the_reason():
    order = make_order(current_eta=None)

    plan = plan_eta(order, eta_change(date(2026, 11, 27)), make_context())

    [event] = plan.events
    assert (event.old_value, event.new_value) == (None, "2026-11-27")
    assert event.note == "Supplier delay"


def test_plan_eta_with_the_customer_informed_also_logs_the_contact():
    order = make_order()

    plan = plan_eta(order, eta_change(date(2026, 12, 2), customer_informed=True), make_context())

    assert plan.values["last_contact_at"] == NOW
    assert plan.values["eta_changed_at"] == NOW  # equal: the contact counts as after the change
    eta_event, contact_event = plan.events
    assert eta_event.kind == EventKind.ETA_CHANGED
    assert (contact_event.kind, contact_event.field) == (EventKind.CONTACT_LOGGED, "outcome")
    assert (contact_event.new_value, contact_event.note) == ("informed", TOLD_WITH_ETA)
    assert (contact_event.actor, contact_event.at) == (REP, NOW)


def test_plan_eta_without_the_customer_informed_leaves_last_contact_alone():
    order = make_order(last_contact_at=NOW - timedelta(days=3))

    plan = plan_eta(order, eta_change(date(2026, 12, 2)), make_context())

    assert "last_contact_at" not in plan.values
    assert [e.kind for e in plan.events] == [EventKind.ETA_CHANGED]


@pytest.mark.parametrize("status", [OrderStatus.FILLED, OrderStatus.CANCELLED])
def test_plan_eta_of_a_closed_order_is_refused_before_any_date_check(status: OrderStatus):
    order = make_order(status=status)

    with pytest.raises(InvalidInput) as refused:
        plan_eta(order, eta_change(TODAY - timedelta(days=3)), make_context())

    assert refused.value.field is None
    assert "you cannot change the ETA of a closed order" in refused.value.message


def test_plan_eta_leaves_the_order_itself_untouched():
    order = make_order(current_eta=date(2026, 12, 5), slip_count=1, days_slipped=5)

    plan_eta(order, eta_change(date(2026, 12, 9), customer_informed=True), make_context())

    assert (order.current_eta, order.slip_count, order.days_slipped) == (date(2026, 12, 5), 1, 5)
    assert order.last_contact_at is None


# plan_contact


@pytest.mark.parametrize(
    "outcome",
    [
        ContactOutcome.INFORMED,
        ContactOutcome.CUSTOMER_ACCEPTED,
        ContactOutcome.CUSTOMER_ESCALATED,
    ],
)
def test_plan_contact_that_reached_the_customer_sets_last_contact(outcome: ContactOutcome):
    order = make_order()

    plan = contact(order, make_context(), outcome=outcome)

    assert plan.values == {"last_contact_at": NOW}
    [event] = plan.events
    assert (event.kind, event.field, event.new_value) == (
        EventKind.CONTACT_LOGGED,
        "outcome",
        outcome.value,
    )


@pytest.mark.parametrize("outcome", [ContactOutcome.LEFT_MESSAGE, ContactOutcome.NO_ANSWER])
def test_plan_contact_that_did_not_reach_the_customer_is_logged_but_tells_nobody(
    outcome: ContactOutcome,
):
    order = make_order()

    plan = contact(order, make_context(), outcome=outcome)

    assert plan.values == {}
    [event] = plan.events
    assert event.new_value == outcome.value


def test_plan_contact_note_says_channel_outcome_and_the_reps_words():
    order = make_order()

    with_note = contact(order, make_context(), channel=ContactChannel.EMAIL, note="sent the PDF")
    without = contact(order, make_context(), outcome=ContactOutcome.NO_ANSWER)

    assert with_note.events[0].note == "Email, customer informed: sent the PDF"
    assert without.events[0].note == "Phone, no answer"


def test_plan_contact_repeated_by_the_same_rep_within_the_window_is_already_so():
    order = make_order()
    first = contact(order, earlier(), note="called back").events

    again = contact(order, make_context(), first, note="called back")

    assert again.already
    assert again.already_error is None
    assert (again.values, again.events) == ({}, [])


@pytest.mark.parametrize(
    "change",
    [
        {"note": "another call"},
        {"outcome": ContactOutcome.NO_ANSWER},
        {"channel": ContactChannel.EMAIL},
    ],
)
def test_plan_contact_that_differs_from_the_recent_one_is_logged(change: dict[str, Any]):
    order = make_order()
    recent = contact(order, earlier(), note="called back").events

    plan = contact(order, make_context(), recent, **({"note": "called back"} | change))

    assert not plan.already
    assert len(plan.events) == 1


def test_plan_contact_identical_to_another_reps_recent_one_is_logged():
    order = make_order()
    recent = contact(order, earlier(actor=OTHER_REP)).events

    plan = contact(order, make_context(), recent)

    assert not plan.already
    assert plan.events[0].actor == REP


def test_plan_contact_on_a_closed_order_is_still_logged():
    order = make_order(status=OrderStatus.CANCELLED)

    plan = contact(order, make_context())

    assert plan.values == {"last_contact_at": NOW}
    assert len(plan.events) == 1


# plan_note


def test_plan_note_records_the_text_exactly_as_written():
    order = make_order()
    text = "  Kunde ruft zurück 📞\nline two  "

    plan = plan_note(order, make_context(), [], text=text)

    assert plan.values == {}
    [event] = plan.events
    assert (event.kind, event.field, event.old_value, event.new_value) == (
        EventKind.NOTE_ADDED,
        None,
        None,
        None,
    )
    assert event.note == text


def test_plan_note_repeated_by_the_same_rep_within_the_window_is_already_so():
    order = make_order()
    recent = plan_note(order, earlier(), [], text="waiting on Globex").events

    plan = plan_note(order, make_context(), recent, text="waiting on Globex")

    assert plan.already
    assert plan.already_error is None
    assert plan.events == []


def test_plan_note_with_other_text_or_by_another_rep_is_recorded():
    order = make_order()
    recent = plan_note(order, earlier(actor=OTHER_REP), [], text="waiting on Globex").events

    same_text = plan_note(order, make_context(), recent, text="waiting on Globex")
    other_text = plan_note(order, earlier(actor=OTHER_REP), recent, text="Globex replied")

    assert not same_text.already and len(same_text.events) == 1
    assert not other_text.already and len(other_text.events) == 1


# plan_owner


def test_plan_owner_hands_the_order_over_with_an_event():
    order = make_order(owner=REP)

    plan = plan_owner(order, make_context(), owner=OTHER_REP)

    assert plan.values == {"owner": OTHER_REP}
    [event] = plan.events
    assert (event.kind, event.field, event.old_value, event.new_value) == (
        EventKind.OWNER_CHANGED,
        "owner",
        REP,
        OTHER_REP,
    )


def test_plan_owner_of_an_unowned_order_records_no_old_owner():
    order = make_order(owner=None)

    plan = plan_owner(order, make_context(), owner=REP)

    assert plan.values == {"owner": REP}
    assert (plan.events[0].old_value, plan.events[0].new_value) == (None, REP)


def test_plan_owner_unchanged_is_already_so_without_an_error():
    order = make_order(owner=REP)

    plan = plan_owner(order, make_context(), owner=REP)

    assert plan.already
    assert plan.already_error is None
    assert (plan.values, plan.events) == ({}, [])


# plan_snooze


def test_plan_snooze_keeps_the_order_quiet_until_the_time_with_the_reason():
    order = make_order()
    until = NOW + timedelta(days=2)

    plan = plan_snooze(order, make_context(), until=until, reason="waiting for the supplier")

    assert plan.values == {"snoozed_until": until}
    [event] = plan.events
    assert (event.kind, event.field, event.old_value, event.new_value, event.note) == (
        EventKind.SNOOZED,
        "snoozed_until",
        None,
        "2026-11-26T09:00:00+00:00",
        "waiting for the supplier",
    )


def test_plan_snooze_again_records_the_previous_snooze_as_old_value():
    order = make_order(snoozed_until=NOW + timedelta(hours=1))

    plan = plan_snooze(order, make_context(), until=NOW + timedelta(days=1), reason="later")

    assert plan.events[0].old_value == "2026-11-24T10:00:00+00:00"


@pytest.mark.parametrize("until", [NOW, NOW - timedelta(minutes=1)])
def test_plan_snooze_until_now_or_earlier_is_refused_on_the_until_field(until: datetime):
    order = make_order()

    with pytest.raises(InvalidInput) as refused:
        plan_snooze(order, make_context(), until=until, reason="x")

    assert (refused.value.field, refused.value.message) == ("until", "Pick a time in the future.")


def test_plan_snooze_to_the_same_time_is_already_so():
    until = NOW + timedelta(days=2)
    order = make_order(snoozed_until=until)

    plan = plan_snooze(order, make_context(), until=until, reason="still waiting")

    assert plan.already
    assert plan.already_error is None
    assert plan.events == []


@pytest.mark.parametrize("status", [OrderStatus.FILLED, OrderStatus.CANCELLED])
def test_plan_snooze_of_a_closed_order_is_refused(status: OrderStatus):
    order = make_order(status=status)

    with pytest.raises(InvalidInput) as refused:
        plan_snooze(order, make_context(), until=NOW + timedelta(days=1), reason="x")

    assert refused.value.field is None
    assert "you cannot snooze a closed order" in refused.value.message


# Context


def test_context_event_is_stamped_with_actor_time_source_and_text_values():
    order = make_order(id=42)
    ctx = make_context(source=EventSource.API, actor="erp-client")

    event = ctx.event(
        order, EventKind.FIELD_CHANGED, field="status", old=OrderStatus.RECEIVED, new=3
    )

    assert (event.order_id, event.at, event.actor, event.source) == (
        42,
        NOW,
        "erp-client",
        EventSource.API,
    )
    assert (event.old_value, event.new_value) == ("received", "3")
