"""What a digest lists: filters, lag kinds, thresholds, row cap and grouping of a subscription."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.services.core.errors import InvalidInput
from bot.services.orders.lagging import LagKind, LagRules
from storage.digests.tables import DigestSubscription
from storage.orders.lookups import OrderFilter
from storage.orders.tables import OPEN_STATUSES

MAX_ROWS_LIMIT = 2000  # rows one digest may list; the rest is counted in a "+N more" line
MAX_DAYS_LIMIT = 365  # thresholds and minimum age, in business days
_DEFAULT_RULES = LagRules()


class Grouping(StrEnum):
    """How a digest groups its rows."""

    OWNER = "owner"
    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    NONE = "none"

    @property
    def label(self) -> str:
        return "No grouping" if self is Grouping.NONE else f"By {self.value}"


@dataclass(frozen=True)
class DigestFilters:
    """Which open orders a digest looks at; text matches inside the value, any case."""

    team: str | None = None
    owner: str | None = None  # a Slack user id, matched exactly
    supplier: str | None = None
    sku: str | None = None
    customer: str | None = None
    statuses: frozenset[str] = frozenset()  # empty: every open status

    def __post_init__(self) -> None:
        unknown = sorted(self.statuses - OPEN_STATUSES)
        if unknown:
            raise InvalidInput("statuses", f"{', '.join(unknown)}: a digest lists open orders only")

    def order_filter(self) -> OrderFilter:
        statuses = self.statuses or frozenset(OPEN_STATUSES)
        return OrderFilter(
            owner=self.owner, team=self.team, customer=self.customer, sku=self.sku,
            supplier=self.supplier, statuses=frozenset(statuses),
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: v for k, v in self._texts().items() if v}
        if self.statuses:
            data["statuses"] = sorted(self.statuses)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DigestFilters:
        texts = {k: data.get(k) or None for k in ("team", "owner", "supplier", "sku", "customer")}
        return cls(**texts, statuses=frozenset(data.get("statuses") or ()))

    def describe(self) -> str:
        """For people: "team emea · supplier Acme · backordered" (empty when unfiltered)."""
        parts = [f"{name} {value}" for name, value in self._texts().items() if value]
        parts += sorted(self.statuses)
        return " · ".join(parts)

    def _texts(self) -> dict[str, str | None]:
        return {
            "team": self.team, "owner": self.owner, "supplier": self.supplier, "sku": self.sku,
            "customer": self.customer,
        }  # fmt: skip


@dataclass(frozen=True)
class DigestSpec:
    """Everything that decides a digest's content."""

    filters: DigestFilters = field(default_factory=DigestFilters)
    kinds: frozenset[LagKind] = frozenset(LagKind)
    min_age_days: int = 0
    max_rows: int = 200
    grouping: Grouping = Grouping.OWNER
    only_changes: bool = False
    stale_after: int = _DEFAULT_RULES.stale_after
    aging_after: int = _DEFAULT_RULES.aging_after

    def __post_init__(self) -> None:
        if not self.kinds:
            raise InvalidInput("kinds", "Pick at least one reason an order counts as lagging.")
        check_number("min_age", self.min_age_days)
        check_number("max_rows", self.max_rows)
        check_number("stale_after", self.stale_after)
        check_number("aging_after", self.aging_after)

    @classmethod
    def of(cls, subscription: DigestSubscription) -> DigestSpec:
        """The spec a stored subscription describes."""
        return cls(
            filters=DigestFilters.from_json(subscription.filters),
            kinds=frozenset(LagKind(k) for k in subscription.kinds) or frozenset(LagKind),
            min_age_days=subscription.min_age_days,
            max_rows=subscription.max_rows,
            grouping=Grouping(subscription.grouping),
            only_changes=subscription.only_changes,
            stale_after=subscription.stale_after_days,
            aging_after=subscription.aging_after_days,
        )

    def columns(self) -> dict[str, Any]:
        """The subscription columns this spec is stored in."""
        return {
            "filters": self.filters.to_json(),
            "kinds": [k.value for k in LagKind if k in self.kinds],
            "min_age_days": self.min_age_days,
            "max_rows": self.max_rows,
            "grouping": self.grouping.value,
            "only_changes": self.only_changes,
            "stale_after_days": self.stale_after,
            "aging_after_days": self.aging_after,
        }


# Each number a spec holds: (lowest, highest, name for people).
NUMBERS = {
    "min_age": (0, MAX_DAYS_LIMIT, "Minimum age"),
    "max_rows": (1, MAX_ROWS_LIMIT, "Max rows"),
    "stale_after": (1, MAX_DAYS_LIMIT, "Stale after"),
    "aging_after": (1, MAX_DAYS_LIMIT, "Aging after"),
}


def check_number(name: str, value: int) -> int:
    """`value`, or InvalidInput(name) when it is outside the field's range."""
    low, high, label = NUMBERS[name]
    if not low <= value <= high:
        raise InvalidInput(name, f"{label} must be a whole number from {low} to {high}.")
    return value
