"""Why an order counts as lagging: one rule set, used by cards, lists and digests."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from functools import cached_property
from typing import Protocol

from bot.services.core.calendar import business_days_between
from storage.orders.tables import CLOSED_STATUSES, OrderStatus


class LagKind(StrEnum):
    """A reason an open order needs attention."""

    OVERDUE = "overdue"
    SLIPPED = "slipped"
    STALE = "stale"
    NO_ETA = "no_eta"
    NOT_TOLD = "not_told"
    AGING = "aging"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    LagKind.OVERDUE: "Overdue",
    LagKind.SLIPPED: "Slipped",
    LagKind.STALE: "Stale",
    LagKind.NO_ETA: "No ETA",
    LagKind.NOT_TOLD: "Customer not told",
    LagKind.AGING: "Aging",
}


class LagFacts(Protocol):
    """What the rules read of an order: an Order, or the few columns of one (team figures,
    digests)."""

    @property
    def status(self) -> str: ...
    @property
    def team(self) -> str | None: ...
    @property
    def ordered_at(self) -> datetime: ...
    @property
    def promised_date(self) -> date: ...
    @property
    def current_eta(self) -> date | None: ...
    @property
    def eta_changed_at(self) -> datetime | None: ...
    @property
    def last_activity_at(self) -> datetime: ...
    @property
    def last_contact_at(self) -> datetime | None: ...
    @property
    def snoozed_until(self) -> datetime | None: ...


@dataclass(frozen=True)
class LagRules:
    """Thresholds, in business days; digests override them per subscription."""

    stale_after: int = 5
    aging_after: int = 20
    holidays: Collection[date] = ()  # for every team
    team_holidays: Mapping[str, Collection[date]] = field(default_factory=dict)

    def holidays_for(self, team: str | None) -> frozenset[date]:
        """The shared holidays plus the team's own (team names match in any case)."""
        key = (team or "").lower()
        found = self._by_team.get(key)
        if found is None:
            own = {name.lower(): days for name, days in self.team_holidays.items()}
            found = frozenset(self.holidays) | frozenset(own.get(key, ()))
            self._by_team[key] = found  # rules are frozen: the answer never changes
        return found

    @cached_property
    def _by_team(self) -> dict[str, frozenset[date]]:
        return {}


def due_date(order: LagFacts) -> date:
    """The date the order is expected: its current ETA, else the original promise."""
    return order.current_eta or order.promised_date


def customer_told(order: LagFacts, today: date, zone: tzinfo = UTC) -> bool:
    """Has a contact been logged since the ETA last changed (or since it passed)?

    A date passes at its first instant in `zone` (the bot's zone, where `today` is read).
    """
    if order.last_contact_at is None:
        return False
    since = order.eta_changed_at
    if due_date(order) < today:
        passed = datetime.combine(due_date(order), datetime.min.time(), zone)
        since = max(since, passed) if since else passed
    return since is None or order.last_contact_at >= since


def lag_reasons(
    order: LagFacts, now: datetime, today: date, rules: LagRules, zone: tzinfo = UTC
) -> list[LagKind]:
    """Every reason an open, awake order is lagging, most urgent first; [] when it is not.

    `today` is the date in `zone` (the bot's zone); timestamps are compared as dates there too.
    """
    # A set lookup, not OrderStatus(...): digests ask this for tens of thousands of orders.
    if order.status in CLOSED_STATUSES:
        return []
    if order.snoozed_until is not None and order.snoozed_until > now:
        return []
    reasons: list[LagKind] = []
    passed = due_date(order) < today
    if passed:
        reasons.append(LagKind.OVERDUE)
    if order.current_eta is not None and order.current_eta > order.promised_date:
        reasons.append(LagKind.SLIPPED)
    delayed = order.status == OrderStatus.BACKORDERED
    if order.current_eta is None and (delayed or order.promised_date < today):
        reasons.append(LagKind.NO_ETA)
    changed_or_passed = order.eta_changed_at is not None or passed
    if changed_or_passed and not customer_told(order, today, zone):
        reasons.append(LagKind.NOT_TOLD)
    holidays = rules.holidays_for(order.team)
    idle = business_days_between(order.last_activity_at.astimezone(zone).date(), today, holidays)
    if idle >= rules.stale_after:
        reasons.append(LagKind.STALE)
    age = business_days_between(order.ordered_at.astimezone(zone).date(), today, holidays)
    if age >= rules.aging_after:
        reasons.append(LagKind.AGING)
    return reasons
