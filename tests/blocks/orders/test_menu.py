"""The overflow menu's option values stay inside Slack's 150 characters and read back."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.blocks.orders.menu import MenuChoice, OrderRef, build_order_menu
from storage.orders.tables import Order


def test_order_menu_values_fit_the_longest_order_id():
    now = datetime(2026, 11, 24, tzinfo=UTC)
    order = Order(
        external_id="X|" + "9" * 126,
        customer="Acme",
        ordered_at=now,
        promised_date=date(2026, 12, 1),
        last_activity_at=now,
        created_at=now,
        updated_at=now,
        version=123_456,
    )

    menu = build_order_menu(order).to_dict()

    values = [option["value"] for option in menu["options"]]
    assert max(len(v) for v in values) <= 150
    assert [OrderRef.decode(v) for v in values] == [
        (choice, OrderRef(order.external_id, 123_456)) for choice in MenuChoice
    ]
