"""The levels a late rate is kept at, their keys, and the broader level each falls back to."""

from __future__ import annotations

from sys import intern
from typing import Protocol

LEVELS = (
    "supplier",
    "sku",
    "customer",
    "team",
    "supplier_sku",
    "supplier_customer",
    "supplier_team",
)
# Each level shrinks towards its parent; None is the global rate. The supplier×X levels fall back
# to their supplier: a supplier's habits carry over to a new SKU, customer or team better than
# the SKU's (or customer's, or team's) own rate does.
PARENTS: dict[str, str | None] = {
    "supplier": None,
    "sku": None,
    "customer": None,
    "team": None,
    "supplier_sku": "supplier",
    "supplier_customer": "supplier",
    "supplier_team": "supplier",
}
Keys = tuple[str, ...]  # one key per level, in LEVELS order
_SEPARATOR = "\x1f"  # the ASCII unit separator: never typed into a supplier or SKU name


class Keyed(Protocol):
    """Anything with the four names an order is grouped by."""

    @property
    def supplier(self) -> str: ...
    @property
    def sku(self) -> str: ...
    @property
    def customer(self) -> str: ...
    @property
    def team(self) -> str: ...


def order_keys(order: Keyed) -> Keys:
    """The order's key at every level."""
    supplier = order.supplier
    return (
        supplier,
        order.sku,
        order.customer,
        order.team,
        f"{supplier}{_SEPARATOR}{order.sku}",
        f"{supplier}{_SEPARATOR}{order.customer}",
        f"{supplier}{_SEPARATOR}{order.team}",
    )


def shared_keys(order: Keyed) -> Keys:
    """order_keys(), with each compound key interned: orders share one string per key."""
    supplier = order.supplier
    return (
        supplier,
        order.sku,
        order.customer,
        order.team,
        intern(f"{supplier}{_SEPARATOR}{order.sku}"),
        intern(f"{supplier}{_SEPARATOR}{order.customer}"),
        intern(f"{supplier}{_SEPARATOR}{order.team}"),
    )
