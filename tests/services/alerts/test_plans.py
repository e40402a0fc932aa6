"""What an alert says and to whom, decided on plain objects: no database, no Slack."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.services.alerts.plans import (
    AlertPlan,
    actor_label,
    contact_since_eta_change,
    owner_to_dm,
    plan_alert,
    slip_of,
)
from storage.alerts.tables import Alert, AlertKind
from storage.orders.tables import EventKind, EventSource, Order, OrderEvent, OrderStatus

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
PROMISE = date(2026, 11, 20)
OWNER = "U0OWNER01"
REP = "U0REP0001"
CHANNEL = "C0EMEA"


def make_order(**overrides: Any) -> Order:
    """An open emea order owned by OWNER, promised for PROMISE (passed); override any column."""
    values: dict[str, Any] = {
        "id": 1,
        "external_id": "SO-1",
        "customer": "Acme Hospital",
        "status": OrderStatus.CONFIRMED,
        "owner": OWNER,
        "team": "emea",
        "ordered_at": NOW - timedelta(days=30),
        "promised_date": PROMISE,
        "last_activity_at": NOW - timedelta(days=1),
        "created_at": NOW - timedelta(days=30),
        "updated_at": NOW - timedelta(days=1),
    }
    values.update(overrides)
    return Order(**values)


def make_alert(**overrides: Any) -> Alert:
    """A freshly claimed overdue alert for PROMISE; override any column."""
    values: dict[str, Any] = {
        "id": 10,
        "order_id": 1,
        "kind": AlertKind.OVERDUE,
        "transition": PROMISE.isoformat(),
        "due_date": PROMISE,
        "claimed_by": "host:1",
        "claimed_at": NOW,
        "attempts": 1,
        "created_at": NOW,
    }
    values.update(overrides)
    return Alert(**values)


def eta_event(old: date | None, new: date, **overrides: Any) -> OrderEvent:
    """A rep's ETA change from `old` to `new` (old None: the order had no ETA yet)."""
    values: dict[str, Any] = {
        "id": 5,
        "order_id": 1,
        "at": NOW - timedelta(minutes=5),
        "actor": REP,
        "source": EventSource.SLACK,
        "kind": EventKind.ETA_CHANGED,
        "field": "current_eta",
        "old_value": old.isoformat() if old else None,
        "new_value": new.isoformat(),
    }
    values.update(overrides)
    return OrderEvent(**values)


def slipped_alert(**overrides: Any) -> Alert:
    return make_alert(
        **({"kind": AlertKind.SLIPPED, "transition": "5", "due_date": None} | overrides)
    )


# contact_since_eta_change and owner_to_dm


@pytest.mark.parametrize(
    ("changed", "contact", "since"),
    [
        (None, None, False),  # never contacted
        (NOW, None, False),
        (None, NOW - timedelta(days=9), True),  # ETA never changed: any contact counts
        (NOW, NOW, True),  # told in the same action as the change
        (NOW, NOW + timedelta(minutes=1), True),
        (NOW, NOW - timedelta(minutes=1), False),  # told of the previous ETA only
    ],
)
def test_contact_since_eta_change_compares_the_last_contact_with_the_change(
    changed: datetime | None, contact: datetime | None, since: bool
):
    order = make_order(eta_changed_at=changed, last_contact_at=contact)

    assert contact_since_eta_change(order) is since


def test_owner_to_dm_is_the_owner_while_nobody_told_the_customer():
    order = make_order(eta_changed_at=NOW, last_contact_at=NOW - timedelta(days=1))

    assert owner_to_dm(order, actor=REP) == OWNER
    assert owner_to_dm(order, actor=None) == OWNER


def test_owner_to_dm_is_nobody_once_a_contact_follows_the_change():
    order = make_order(eta_changed_at=NOW, last_contact_at=NOW + timedelta(minutes=1))

    assert owner_to_dm(order, actor=REP) is None


def test_owner_to_dm_is_nobody_when_the_owner_made_the_change():
    order = make_order(eta_changed_at=NOW)

    assert owner_to_dm(order, actor=OWNER) is None


@pytest.mark.parametrize("owner", [None, ""])
def test_owner_to_dm_is_nobody_for_an_order_without_owner(owner: str | None):
    order = make_order(owner=owner)

    assert owner_to_dm(order, actor=REP) is None


# actor_label


@pytest.mark.parametrize(
    ("source", "actor", "label"),
    [
        (EventSource.IMPORT, "import:orders-2026-11-24.csv", "the import of orders-2026-11-24.csv"),
        (EventSource.API, "erp-bridge", "the ingest API (erp-bridge)"),
        (EventSource.SYNC, "sync:upstream", "the upstream sync"),
        (EventSource.SLACK, REP, None),
    ],
)
def test_actor_label_names_changes_that_did_not_come_from_a_slack_user(
    source: EventSource, actor: str, label: str | None
):
    event = eta_event(None, date(2026, 12, 1), source=source, actor=actor)

    assert actor_label(event) == label


# slip_of


def test_slip_of_a_first_eta_measures_from_the_promise():
    event = eta_event(None, date(2026, 11, 27))

    assert slip_of(event, make_order()) == (PROMISE, date(2026, 11, 27), 7)


def test_slip_of_a_later_eta_measures_from_the_eta_it_replaced():
    event = eta_event(date(2026, 11, 25), date(2026, 11, 28))

    assert slip_of(event, make_order(current_eta=date(2026, 12, 9))) == (
        date(2026, 11, 25),
        date(2026, 11, 28),
        3,
    )


def test_slip_of_an_earlier_eta_is_no_slip():
    event = eta_event(date(2026, 11, 28), date(2026, 11, 25))

    assert slip_of(event, make_order()) == (date(2026, 11, 28), date(2026, 11, 25), 0)


def test_slip_of_an_event_without_new_eta_is_a_programming_error():
    event = eta_event(None, date(2026, 12, 1), new_value=None)

    with pytest.raises(AssertionError, match="without a new ETA"):
        slip_of(event, make_order())


# plan_alert: overdue


def test_plan_alert_overdue_posts_in_the_team_channel_and_dms_the_owner():
    alert = make_alert(attempts=2, line_ts="111.1", dm_ts=None)
    order = make_order()

    plan = plan_alert(alert, order, None, TODAY, CHANNEL)

    assert plan == AlertPlan(
        alert_id=10,
        attempts=2,
        kind=AlertKind.OVERDUE,
        order=order,
        today=TODAY,
        due=PROMISE,
        channel=CHANNEL,
        dm_owner=OWNER,
        line_ts="111.1",
    )
    assert plan.days_late == 4


def test_plan_alert_overdue_without_due_date_falls_back_to_the_orders_due_date():
    order = make_order(current_eta=date(2026, 11, 22))

    plan = plan_alert(make_alert(due_date=None), order, None, TODAY, CHANNEL)

    assert (plan.due, plan.days_late) == (date(2026, 11, 22), 2)


def test_plan_alert_overdue_is_skipped_when_the_due_date_moved_after_the_claim():
    order = make_order(current_eta=date(2026, 12, 5))

    plan = plan_alert(make_alert(due_date=PROMISE), order, None, TODAY, CHANNEL)

    assert plan.skip == "the due date moved before the alert went out"


@pytest.mark.parametrize("status", [OrderStatus.FILLED, OrderStatus.CANCELLED])
def test_plan_alert_of_a_closed_order_is_skipped(status: OrderStatus):
    order = make_order(status=status)

    overdue = plan_alert(make_alert(), order, None, TODAY, CHANNEL)
    slipped = plan_alert(slipped_alert(), order, eta_event(None, date(2026, 12, 1)), TODAY, CHANNEL)

    assert overdue.skip == slipped.skip == "the order is closed"


def test_plan_alert_without_a_channel_says_why():
    no_team = plan_alert(make_alert(), make_order(team=None), None, TODAY, None)
    unmapped = plan_alert(make_alert(), make_order(team="apac"), None, TODAY, None)
    mapped = plan_alert(make_alert(), make_order(), None, TODAY, CHANNEL)

    assert no_team.no_channel == "the order has no team"
    assert unmapped.no_channel == "team 'apac' has no channel in TEAM_CHANNELS"
    assert mapped.no_channel is None


# plan_alert: slipped


def test_plan_alert_slipped_says_from_when_to_when_and_who_moved_it():
    order = make_order(current_eta=date(2026, 12, 1), eta_changed_at=NOW)
    event = eta_event(date(2026, 11, 25), date(2026, 12, 1))

    plan = plan_alert(slipped_alert(), order, event, TODAY, CHANNEL)

    assert (plan.kind, plan.previous, plan.due, plan.slip_days) == (
        AlertKind.SLIPPED,
        date(2026, 11, 25),
        date(2026, 12, 1),
        6,
    )
    assert (plan.actor, plan.actor_label, plan.dm_owner, plan.skip) == (REP, None, OWNER, None)


def test_plan_alert_slipped_by_the_owner_sends_them_no_dm():
    order = make_order(current_eta=date(2026, 12, 1), eta_changed_at=NOW)
    event = eta_event(None, date(2026, 12, 1), actor=OWNER)

    plan = plan_alert(slipped_alert(), order, event, TODAY, CHANNEL)

    assert plan.dm_owner is None
    assert not plan.may_dm(OWNER)


def test_plan_alert_slipped_by_an_import_is_named_by_its_file():
    order = make_order(current_eta=date(2026, 12, 1), eta_changed_at=NOW)
    event = eta_event(
        None, date(2026, 12, 1), source=EventSource.IMPORT, actor="import:backlog.csv"
    )

    plan = plan_alert(slipped_alert(), order, event, TODAY, CHANNEL)

    assert (plan.actor, plan.actor_label) == ("import:backlog.csv", "the import of backlog.csv")
    assert plan.dm_owner == OWNER


def test_plan_alert_slipped_with_the_customer_told_sends_no_dm():
    order = make_order(current_eta=date(2026, 12, 1), eta_changed_at=NOW, last_contact_at=NOW)

    plan = plan_alert(slipped_alert(), order, eta_event(None, date(2026, 12, 1)), TODAY, CHANNEL)

    assert plan.dm_owner is None


# AlertPlan


def test_alert_plan_thread_is_the_orders_thread_only_in_the_alerts_channel():
    order = make_order(thread_channel=CHANNEL, thread_ts="1700000000.000100")

    same = plan_alert(make_alert(), order, None, TODAY, CHANNEL)
    other = plan_alert(make_alert(), order, None, TODAY, "C0OTHER")
    none = plan_alert(make_alert(), order, None, TODAY, None)

    assert same.thread_ts == "1700000000.000100"
    assert other.thread_ts is None
    assert none.thread_ts is None


def test_alert_plan_may_dm_only_the_due_owner_and_never_the_actor():
    order = make_order(current_eta=date(2026, 12, 1), eta_changed_at=NOW)
    plan = plan_alert(slipped_alert(), order, eta_event(None, date(2026, 12, 1)), TODAY, CHANNEL)
    told = plan_alert(
        make_alert(), make_order(last_contact_at=NOW), None, TODAY, CHANNEL
    )  # no ETA change, a contact: nothing to DM

    assert plan.may_dm(OWNER)
    assert not plan.may_dm(REP)
    assert not told.may_dm(OWNER)
