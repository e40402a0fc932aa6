"""Lagging rules and business days, with a fixed clock: every rule and its edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.core.calendar import business_days_between, subtract_business_days
from bot.services.orders.lagging import LagKind, LagRules, customer_told, lag_reasons
from storage.orders.tables import Order, OrderStatus

# Tuesday 2026-11-24, 09:00 UTC.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
RULES = LagRules(stale_after=5, aging_after=20)


def make_order(**overrides: object) -> Order:
    values: dict[str, object] = {
        "external_id": "SO-1",
        "customer": "Acme",
        "status": OrderStatus.CONFIRMED,
        "ordered_at": NOW - timedelta(days=3),
        "promised_date": date(2026, 12, 1),
        "last_activity_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Order(**values)  # type: ignore[arg-type]


def reasons(order: Order, rules: LagRules = RULES) -> list[LagKind]:
    return lag_reasons(order, NOW, TODAY, rules)


def test_an_order_on_track_is_not_lagging():
    assert reasons(make_order()) == []


@pytest.mark.parametrize(
    ("promised", "eta", "overdue"),
    [
        (date(2026, 11, 23), None, True),  # promise passed yesterday
        (date(2026, 11, 24), None, False),  # due today is not overdue yet
        (date(2026, 11, 1), date(2026, 11, 25), False),  # a later ETA counts, not the promise
        (date(2026, 12, 1), date(2026, 11, 23), True),  # an ETA that passed
    ],
)
def test_overdue_means_the_eta_or_else_the_promise_has_passed(
    promised: date, eta: date | None, overdue: bool
):
    order = make_order(promised_date=promised, current_eta=eta, eta_changed_at=NOW)

    assert (LagKind.OVERDUE in reasons(order)) is overdue


@pytest.mark.parametrize(
    ("eta", "slipped"),
    [(date(2026, 12, 2), True), (date(2026, 12, 1), False), (date(2026, 11, 28), False)],
)
def test_slipped_means_a_current_eta_later_than_the_original_promise(eta: date, slipped: bool):
    order = make_order(current_eta=eta, eta_changed_at=NOW)

    assert (LagKind.SLIPPED in reasons(order)) is slipped


@pytest.mark.parametrize(
    ("last_activity", "stale"),
    [
        (datetime(2026, 11, 17, 9, tzinfo=UTC), True),  # Tue -> Tue: 5 business days
        (datetime(2026, 11, 18, 9, tzinfo=UTC), False),  # Wed -> Tue: 4 business days
        (datetime(2026, 11, 14, 9, tzinfo=UTC), True),  # a Saturday: the weekend does not count
    ],
)
def test_stale_counts_business_days_without_activity(last_activity: datetime, stale: bool):
    order = make_order(last_activity_at=last_activity)

    assert (LagKind.STALE in reasons(order)) is stale


def test_team_holidays_do_not_count_towards_stale():
    order = make_order(team="EMEA", last_activity_at=datetime(2026, 11, 17, 9, tzinfo=UTC))
    rules = LagRules(stale_after=5, team_holidays={"emea": [date(2026, 11, 20)]})

    assert LagKind.STALE not in reasons(order, rules)
    assert LagKind.STALE in reasons(
        make_order(team="apac", last_activity_at=order.last_activity_at), rules
    )


@pytest.mark.parametrize(
    ("status", "promised", "no_eta"),
    [
        (OrderStatus.CONFIRMED, date(2026, 11, 20), True),  # promise passed, no new ETA
        (OrderStatus.CONFIRMED, date(2026, 12, 1), False),  # promise still ahead
        (OrderStatus.BACKORDERED, date(2026, 12, 1), True),  # delayed without an ETA
    ],
)
def test_no_eta_flags_delayed_or_late_orders_without_a_new_date(
    status: OrderStatus, promised: date, no_eta: bool
):
    order = make_order(status=status, promised_date=promised)

    assert (LagKind.NO_ETA in reasons(order)) is no_eta


def test_customer_not_told_until_a_contact_follows_the_eta_change():
    changed = NOW - timedelta(days=1)
    before = make_order(current_eta=date(2026, 12, 3), eta_changed_at=changed)
    told = make_order(
        current_eta=date(2026, 12, 3),
        eta_changed_at=changed,
        last_contact_at=changed + timedelta(hours=1),
    )
    stale_contact = make_order(
        current_eta=date(2026, 12, 3),
        eta_changed_at=changed,
        last_contact_at=changed - timedelta(hours=1),
    )

    assert LagKind.NOT_TOLD in reasons(before)
    assert LagKind.NOT_TOLD not in reasons(told)
    assert LagKind.NOT_TOLD in reasons(stale_contact)
    assert customer_told(told, TODAY) is True


def test_customer_not_told_when_the_date_passed_after_the_last_contact():
    order = make_order(
        promised_date=date(2026, 11, 20),
        last_contact_at=datetime(2026, 11, 19, 12, tzinfo=UTC),
    )

    assert LagKind.NOT_TOLD in reasons(order)
    assert customer_told(order, TODAY) is False


@pytest.mark.parametrize(("days_ago", "aging"), [(28, True), (27, False)])
def test_aging_counts_business_days_since_the_order(days_ago: int, aging: bool):
    # 28 calendar days back from a Tuesday is 20 business days.
    order = make_order(ordered_at=NOW - timedelta(days=days_ago))

    assert (LagKind.AGING in reasons(order)) is aging


def test_snoozed_orders_lag_again_when_the_snooze_ends():
    late = {"promised_date": date(2026, 11, 20)}
    snoozed = make_order(**late, snoozed_until=NOW + timedelta(hours=1))
    woken = make_order(**late, snoozed_until=NOW - timedelta(minutes=1))

    assert reasons(snoozed) == []
    assert LagKind.OVERDUE in reasons(woken)


@pytest.mark.parametrize("status", [OrderStatus.FILLED, OrderStatus.CANCELLED])
def test_closed_orders_never_lag(status: OrderStatus):
    assert reasons(make_order(status=status, promised_date=date(2026, 1, 1))) == []


def test_dates_are_read_in_the_bots_zone():
    # 23:30 UTC on Monday is already Tuesday in Berlin: no business day has passed there.
    order = make_order(last_activity_at=datetime(2026, 11, 16, 23, 30, tzinfo=UTC))
    berlin_today = NOW.astimezone(ZoneInfo("Europe/Berlin")).date()

    in_utc = lag_reasons(order, NOW, TODAY, LagRules(stale_after=6))
    in_berlin = lag_reasons(
        order, NOW, berlin_today, LagRules(stale_after=6), ZoneInfo("Europe/Berlin")
    )

    assert LagKind.STALE in in_utc
    assert LagKind.STALE not in in_berlin


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 20), date(2026, 11, 23), 1),  # Fri -> Mon
        (date(2026, 11, 21), date(2026, 11, 22), 0),  # Sat -> Sun
        (date(2026, 11, 17), date(2026, 11, 24), 5),  # a whole week
        (date(2026, 11, 24), date(2026, 11, 24), 0),
        (date(2026, 11, 25), date(2026, 11, 24), 0),  # backwards
    ],
)
def test_business_days_between_skips_weekends(start: date, end: date, expected: int):
    assert business_days_between(start, end) == expected


def test_business_days_between_skips_holidays_on_weekdays_only():
    holidays = {date(2026, 11, 26), date(2026, 11, 28)}  # a Thursday and a Saturday

    assert business_days_between(date(2026, 11, 23), date(2026, 11, 30), holidays) == 4


def test_subtract_business_days_is_the_inverse_of_counting():
    start = subtract_business_days(date(2026, 11, 24), 5, {date(2026, 11, 19)})

    assert business_days_between(start, date(2026, 11, 24), {date(2026, 11, 19)}) == 5
