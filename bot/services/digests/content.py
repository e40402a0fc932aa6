"""What one digest says: the lagging rows, grouped, with counts, clusters and a snapshot."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from bot.services.digests.spec import Grouping
from bot.services.orders.lagging import LagKind
from bot.services.sync import Freshness

_BITS = {kind: 1 << n for n, kind in enumerate(LagKind)}
CLUSTER_MIN = 3  # lagging orders sharing a supplier or SKU that make a supply cluster


@lru_cache(maxsize=256)
def reason_bits(reasons: tuple[LagKind, ...]) -> int:
    """The reasons as one small number, as the snapshot stores them."""
    bits = 0
    for kind in reasons:
        bits |= _BITS[kind]
    return bits


class DigestOrder(NamedTuple):
    """The columns of an order a digest reads (the lag rules' LagFacts, and what rows show).

    A named tuple: a digest builds tens of thousands of them straight from database rows.
    """

    id: int
    external_id: str
    version: int
    customer: str
    owner: str | None
    team: str | None
    sku: str | None
    supplier: str | None
    status: str
    ordered_at: datetime
    promised_date: date
    current_eta: date | None
    eta_changed_at: datetime | None
    last_activity_at: datetime
    last_contact_at: datetime | None
    snoozed_until: datetime | None

    @property
    def due(self) -> date:
        return self.current_eta or self.promised_date


class DigestRow(NamedTuple):
    """One lagging order and why the digest lists it."""

    order: DigestOrder
    reasons: tuple[LagKind, ...]  # the subscription's kinds among the order's lag reasons
    age_days: int  # business days since it was ordered
    new: bool  # not lagging in the previous digest
    not_told: bool  # the customer has not heard of the current ETA (whatever kinds are listed)
    due: date  # the order's ETA, else its promise: rows sort by it
    threat: str | None = None  # why the customer may cancel (feedback): listed at the top


@dataclass(frozen=True)
class DigestGroup:
    """Rows sharing an owner, supplier or customer (key None: not set, or no grouping)."""

    key: str | None
    rows: list[DigestRow]


@dataclass(frozen=True)
class Cluster:
    """Several lagging orders sharing a supplier or a SKU: likely one supply problem."""

    field: str  # "supplier" or "sku"
    name: str
    count: int


@dataclass(frozen=True)
class DigestCounts:
    """The header's numbers; new and resolved are None before a subscription's first digest."""

    lagging: int
    new: int | None
    resolved: int | None
    not_told_orders: int
    not_told_customers: int
    snoozed: int  # would be lagging, but snoozed


@dataclass(frozen=True)
class DigestContent:
    """A digest as the builders render it."""

    counts: DigestCounts
    grouping: Grouping
    threats: list[DigestRow]  # open orders a customer threatened to cancel: always listed first
    groups: list[DigestGroup]
    clusters: list[Cluster]
    more: int  # rows that qualified but were not listed (max rows), counted not dropped
    only_changes: bool
    candidates: int  # rows eligible for listing: every lagging order, or only the changed ones
    snapshot: dict[int, int]  # order id -> reason bits: what the next digest compares with
    today: date
    generated_at: datetime
    # How fresh the orders are when an upstream sync feeds them; None: no sync to speak of.
    freshness: Freshness | None = None

    def rows(self) -> Iterator[DigestRow]:
        yield from self.threats
        for group in self.groups:
            yield from group.rows

    @property
    def listed(self) -> int:
        return len(self.threats) + sum(len(group.rows) for group in self.groups)

    @property
    def is_empty(self) -> bool:
        """Nothing to list: no lagging order (or, for "only changes", nothing changed)."""
        return self.candidates == 0 and not self.threats


@dataclass(frozen=True)
class Assembly:
    """The inputs of `assemble` besides the rows."""

    grouping: Grouping
    only_changes: bool
    limit: int | None  # None: list every row
    previous: Mapping[int, int] | None
    snoozed: frozenset[int]  # ids of orders that would be lagging but are snoozed
    today: date
    generated_at: datetime


def assemble(
    rows: list[DigestRow], how: Assembly, threats: Sequence[DigestRow] = ()
) -> DigestContent:
    """Counts over every lagging row; the listed rows capped, most overdue first, grouped.

    `threats` (orders a customer threatened to cancel, lagging or not) are listed above the
    groups whatever the cap, and not again below.
    """
    snapshot = {r.order.id: reason_bits(r.reasons) for r in rows}
    pinned = {r.order.id for r in threats}
    listable = [r for r in rows if r.order.id not in pinned]
    eligible = [r for r in listable if _changed(r, how.previous)] if how.only_changes else listable
    shown = _most_overdue(eligible, how.limit)
    return DigestContent(
        counts=_counts(rows, snapshot, how),
        grouping=how.grouping,
        threats=_most_overdue(list(threats), None),
        groups=_group(shown, how.grouping),
        clusters=clusters(rows),
        more=len(eligible) - len(shown),
        only_changes=how.only_changes,
        candidates=len(eligible),
        snapshot=snapshot,
        today=how.today,
        generated_at=how.generated_at,
    )


def _most_overdue(rows: list[DigestRow], limit: int | None) -> list[DigestRow]:
    """The first `limit` rows by due date, then id; only those are sorted (a digest lists a few
    hundred of tens of thousands).
    """
    key = attrgetter("due", "order.external_id")
    if limit is None or limit >= len(rows):
        return sorted(rows, key=key)
    return heapq.nsmallest(limit, rows, key=key)


def _changed(row: DigestRow, previous: Mapping[int, int] | None) -> bool:
    """New since the last digest, or lagging for a reason it did not have then."""
    if previous is None:
        return True
    before = previous.get(row.order.id)
    return before is None or bool(reason_bits(row.reasons) & ~before)


def _counts(rows: list[DigestRow], snapshot: dict[int, int], how: Assembly) -> DigestCounts:
    not_told = [r for r in rows if r.not_told]
    previous = how.previous
    return DigestCounts(
        lagging=len(rows),
        new=None if previous is None else sum(1 for r in rows if r.new),
        # Resolved: listed last time, not lagging now and not merely snoozed.
        resolved=None if previous is None else len(previous.keys() - snapshot.keys() - how.snoozed),
        not_told_orders=len(not_told),
        not_told_customers=len({r.order.customer for r in not_told}),
        snoozed=len(how.snoozed),
    )


def _group(rows: list[DigestRow], grouping: Grouping) -> list[DigestGroup]:
    if grouping is Grouping.NONE:
        return [DigestGroup(None, rows)] if rows else []
    groups: dict[str | None, list[DigestRow]] = {}
    for row in rows:
        groups.setdefault(_key(row.order, grouping), []).append(row)
    # Biggest groups first; "not set" last; names break ties.
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, -len(kv[1]), kv[0] or ""))
    return [DigestGroup(key, members) for key, members in ordered]


def _key(order: DigestOrder, grouping: Grouping) -> str | None:
    if grouping is Grouping.OWNER:
        return order.owner
    if grouping is Grouping.SUPPLIER:
        return order.supplier
    return order.customer


def clusters(rows: list[DigestRow]) -> list[Cluster]:
    """Suppliers and SKUs shared by CLUSTER_MIN or more lagging orders, biggest first."""
    found: list[Cluster] = []
    for name in ("supplier", "sku"):
        counts = Counter(map(attrgetter(f"order.{name}"), rows))
        found += [Cluster(name, v, n) for v, n in counts.items() if v and n >= CLUSTER_MIN]
    return sorted(found, key=lambda c: (-c.count, c.field, c.name))


def snapshot_json(snapshot: Mapping[int, int]) -> dict[str, list[int]]:
    """The snapshot as stored with a run: two parallel lists (JSON keys would be strings)."""
    return {"ids": list(snapshot), "bits": list(snapshot.values())}


def snapshot_from_json(data: Mapping[str, list[int]] | None) -> dict[int, int] | None:
    """A stored snapshot back as order id -> reason bits (None: no digest yet)."""
    if data is None:
        return None
    return dict(zip(data.get("ids", []), data.get("bits", []), strict=True))
