"""Closed and open orders with overrides, and small histories with known late rates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.services.risk.history import ClosedOrder, OpenOrder

START = date(2024, 1, 1)


def make_closed(**overrides: Any) -> ClosedOrder:
    """A closed order, on time unless `filled_at` says otherwise."""
    values: dict[str, Any] = {
        "order_id": "SO-1",
        "supplier": "Acme",
        "sku": "WIDGET",
        "customer": "St Mary's",
        "team": "North",
        "ordered_at": START,
        "due": START + timedelta(30),
        "promised": START + timedelta(30),
        "filled_at": START + timedelta(29),
        "quantity": 10.0,
        "value": 100.0,
    }
    values.update(overrides)
    return ClosedOrder(**values)


def make_open(**overrides: Any) -> OpenOrder:
    """An open order due a month after `START` + 2 years."""
    values: dict[str, Any] = {
        "order_id": "OPEN-1",
        "supplier": "Acme",
        "sku": "WIDGET",
        "customer": "St Mary's",
        "team": "North",
        "ordered_at": date(2026, 1, 1),
        "due": date(2026, 2, 1),
        "promised": date(2026, 2, 1),
        "quantity": 10.0,
        "value": 100.0,
    }
    values.update(overrides)
    return OpenOrder(**values)


def late_every(supplier: str, every: int, count: int, first_day: date = START) -> list[ClosedOrder]:
    """`count` orders of one supplier, one due per day; every `every`-th is 10 days late."""
    orders = []
    for i in range(count):
        due = first_day + timedelta(i)
        late = every > 0 and i % every == 0
        orders.append(
            make_closed(
                order_id=f"{supplier}-{i}",
                supplier=supplier,
                sku=f"SKU-{i % 5}",
                customer=f"Customer {i % 7}",
                team=f"Team {i % 3}",
                ordered_at=due - timedelta(30),
                due=due,
                promised=due,
                filled_at=due + timedelta(10 if late else -1),
                quantity=float(1 + i % 50),
                value=float(10 * (1 + i % 50)),
            )
        )
    return orders


def mixed_history(count: int = 300) -> list[ClosedOrder]:
    """Two suppliers: "Slow Co" late every other order, "Swift Ltd" every tenth."""
    return late_every("Slow Co", 2, count // 2) + late_every("Swift Ltd", 10, count - count // 2)
