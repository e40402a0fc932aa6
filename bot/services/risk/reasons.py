"""Human sentences for a score: each level's recent record and the order's own state."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from bot.services.risk.history import OpenOrder
from bot.services.risk.levels import LEVELS
from bot.services.risk.rates import Outcome

RECENT = 20  # "n of its last 20 orders": enough to mean something, few enough to read


class Record(NamedTuple):
    """A key's last orders (at most RECENT): how many were late, and by how much (median)."""

    late: int
    total: int
    median_days_late: int


Records = dict[str, dict[str, Record]]  # level -> key -> record


def recent_records(outcomes: Sequence[Outcome]) -> Records:
    """Each key's record over its last RECENT outcomes; `outcomes` sorted oldest first."""
    recent: list[dict[str, list[int]]] = [{} for _ in LEVELS]
    for outcome in reversed(outcomes):
        days = outcome.days_late if outcome.late else -1
        for table, key in zip(recent, outcome.keys, strict=True):
            kept = table.get(key)
            if kept is None:
                table[key] = [days]
            elif len(kept) < RECENT:
                kept.append(days)
    return {
        level: {key: _record(days) for key, days in table.items()}
        for level, table in zip(LEVELS, recent, strict=True)
    }


def _record(days: list[int]) -> Record:
    lateness = [d for d in days if d >= 0]
    median = int(statistics.median(lateness)) if lateness else 0
    return Record(len(lateness), len(days), median)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _tally(record: Record, qualifier: str) -> str:
    orders = f"its last {record.total} orders{qualifier}"
    if record.late == 0:
        return f"none of {orders} late"
    return f"{record.late} of {orders} late (median {_days(record.median_days_late)})"


def _phrase(level: str, order: OpenOrder) -> tuple[str, str]:
    """Who the record belongs to, and which of its orders it covers."""
    if level == "sku":
        return f"SKU {order.sku}", ""
    if level == "customer":
        return f"Customer {order.customer}", ""
    if level == "team":
        return f"Team {order.team}", ""
    subject = f"Supplier {order.supplier}"
    if level == "supplier_sku":
        return subject, f" of SKU {order.sku}"
    if level == "supplier_customer":
        return subject, f" for {order.customer}"
    if level == "supplier_team":
        return subject, f" handled by team {order.team}"
    return subject, ""


def level_sentence(level: str, order: OpenOrder, record: Record | None, base: float) -> str:
    """What one level's record says, or that the broader rate stands in for a new key."""
    subject, qualifier = _phrase(level, order)
    if record is None or record.total == 0:
        if qualifier:
            return (
                f"{subject} has no closed orders{qualifier} yet, so its overall record stands in."
            )
        return f"{subject} has no closed orders yet, so the overall rate ({base:.0%}) stands in."
    verb = "had" if level in ("sku", "customer", "team") else "filled"
    return f"{subject} {verb} {_tally(record, qualifier)}."


def state_sentence(feature: str, order: OpenOrder, today: date) -> str | None:
    """What one order-state feature says about this order, if it says anything."""
    if feature == "slips":
        if order.slips == 0:
            return "Its ETA has not slipped so far."
        return f"Its ETA has already slipped {order.slips} time{'s' if order.slips > 1 else ''}."
    if feature == "eta_age" and order.last_eta_change is not None:
        return f"Its ETA last changed {_days((today - order.last_eta_change).days)} ago."
    if feature in ("days_left", "lead_time"):
        return _timing_sentence(feature, order, today)
    if feature == "lead_unknown":
        return "Its order date is not recorded."
    if feature == "slip_days":
        slipped = (order.due - order.promised).days
        if slipped <= 0:
            return "It is still due on the date first promised."
        return f"It is due {_days(slipped)} later than first promised."
    return None


def _timing_sentence(feature: str, order: OpenOrder, today: date) -> str | None:
    if feature == "days_left":
        return f"It is due in {_days(max((order.due - today).days, 0))}."
    if order.ordered_at is None:
        return None
    return f"It was ordered {_days((order.due - order.ordered_at).days)} before it is due."


def size_sentence(feature: str, amount: float, above: bool) -> str:
    """Quantity or value compared with the orders the model learnt from."""
    if feature == "quantity":
        return f"Its quantity, {amount:,.0f}, is {'larger' if above else 'smaller'} than most."
    return f"Its value, {amount:,.0f}, is {'higher' if above else 'lower'} than most."
