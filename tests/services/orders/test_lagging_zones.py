"""'Customer not told' once the due date passed: the day boundary, in UTC and in the bot's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.orders.lagging import LagKind, LagRules, customer_told, lag_reasons
from storage.orders.tables import Order, OrderStatus

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # Tuesday; the 24th in every zone below
PROMISE = date(2026, 11, 20)  # passed, never moved: only a contact since then tells the customer


def make_order(**overrides: Any) -> Order:
    values: dict[str, Any] = {
        "external_id": "SO-1",
        "customer": "Acme",
        "status": OrderStatus.CONFIRMED,
        "ordered_at": NOW - timedelta(days=3),
        "promised_date": PROMISE,
        "last_activity_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Order(**values)


def not_told(order: Order, zone: tzinfo = UTC) -> bool:
    today = NOW.astimezone(zone).date()
    return LagKind.NOT_TOLD in lag_reasons(order, NOW, today, LagRules(), zone)


@pytest.mark.parametrize(
    ("contact", "told"),
    [
        (datetime(2026, 11, 20, 0, 0, tzinfo=UTC), True),  # the first instant of the due date
        (datetime(2026, 11, 19, 23, 59, tzinfo=UTC), False),  # the evening before
    ],
)
def test_customer_told_of_a_passed_date_counts_contacts_from_the_due_date_on(
    contact: datetime, told: bool
):
    order = make_order(last_contact_at=contact)

    assert customer_told(order, NOW.date()) is told
    assert not_told(order) is not told


def test_customer_told_counts_from_the_later_of_the_eta_change_and_the_date_passing():
    order = make_order(
        current_eta=date(2026, 11, 23),  # passed at the start of the 23rd
        eta_changed_at=datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
        last_contact_at=datetime(2026, 11, 22, 12, 0, tzinfo=UTC),  # after the change only
    )

    assert not customer_told(order, NOW.date())
    assert customer_told(order, date(2026, 11, 23))  # on the new date itself: not passed yet


@pytest.mark.parametrize(
    ("zone", "contact", "told"),
    [
        # 19:00 on the 19th in Los Angeles: the evening before the due date there.
        ("America/Los_Angeles", datetime(2026, 11, 20, 3, 0, tzinfo=UTC), False),
        # 00:30 on the 20th in Berlin: already the due date there.
        ("Europe/Berlin", datetime(2026, 11, 19, 23, 30, tzinfo=UTC), True),
    ],
)
def test_customer_not_told_reads_the_due_date_in_the_bots_zone(
    zone: str, contact: datetime, told: bool
):
    order = make_order(last_contact_at=contact)

    assert not_told(order, ZoneInfo(zone)) is not told
