"""Assembling a digest from lagging rows built by hand: counts, changes, caps, groups, clusters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.services.digests.content import (
    CLUSTER_MIN,
    Assembly,
    Cluster,
    DigestContent,
    DigestOrder,
    DigestRow,
    assemble,
    clusters,
    reason_bits,
    snapshot_from_json,
    snapshot_json,
)
from bot.services.digests.spec import Grouping
from bot.services.orders.lagging import LagKind

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
OVERDUE, SLIPPED, NOT_TOLD = LagKind.OVERDUE, LagKind.SLIPPED, LagKind.NOT_TOLD


def make_order(n: int, **overrides: Any) -> DigestOrder:
    """Order n, a week overdue; override any column."""
    values: dict[str, Any] = {
        "id": n,
        "external_id": f"SO-{n:03d}",
        "version": 1,
        "customer": f"Customer {n}",
        "owner": "UREP00001",
        "team": "emea",
        "sku": f"SKU-{n}",
        "supplier": f"Supplier {n}",
        "status": "backordered",
        "ordered_at": NOW - timedelta(days=30),
        "promised_date": TODAY - timedelta(days=7),
        "current_eta": None,
        "eta_changed_at": None,
        "last_activity_at": NOW,
        "last_contact_at": None,
        "snoozed_until": None,
    }
    values.update(overrides)
    return DigestOrder(**values)


def make_row(n: int, *reasons: LagKind, new: bool = False, not_told: bool = False, **order: Any):
    """A lagging row for order n (overdue unless `reasons` say otherwise)."""
    digest_order = make_order(n, **order)
    return DigestRow(digest_order, reasons or (OVERDUE,), 12, new, not_told, digest_order.due)


def how(**overrides: Any) -> Assembly:
    values: dict[str, Any] = {
        "grouping": Grouping.NONE,
        "only_changes": False,
        "limit": None,
        "previous": None,
        "snoozed": frozenset(),
        "today": TODAY,
        "generated_at": NOW,
    }
    values.update(overrides)
    return Assembly(**values)


def listed(content: DigestContent) -> list[str]:
    return [row.order.external_id for row in content.rows()]


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# reason_bits and snapshots


def test_reason_bits_give_each_lag_kind_its_own_bit():
    bits = [reason_bits((kind,)) for kind in LagKind]

    assert len(set(bits)) == len(LagKind)
    assert all(b and b & (b - 1) == 0 for b in bits)  # powers of two
    assert reason_bits((OVERDUE, NOT_TOLD)) == reason_bits((OVERDUE,)) | reason_bits((NOT_TOLD,))
    assert reason_bits(()) == 0


def test_snapshot_round_trips_through_json():
    snapshot = {3: 5, 1: 1, 20: 12}

    stored = snapshot_json(snapshot)

    assert stored == {"ids": [3, 1, 20], "bits": [5, 1, 12]}
    assert snapshot_from_json(stored) == snapshot


def test_snapshot_from_json_of_no_digest_yet_is_none():
    assert snapshot_from_json(None) is None
    assert snapshot_from_json({}) == {}


def test_snapshot_from_json_refuses_lists_of_different_lengths():
    with pytest.raises(ValueError, match="zip"):
        snapshot_from_json({"ids": [1, 2], "bits": [1]})


# assemble: counts and snapshot


def test_assemble_counts_every_lagging_row_and_snapshots_their_reasons():
    rows = [make_row(1, OVERDUE, NOT_TOLD, not_told=True), make_row(2, SLIPPED)]

    content = assemble(rows, how())

    assert content.snapshot == {1: reason_bits((OVERDUE, NOT_TOLD)), 2: reason_bits((SLIPPED,))}
    assert (content.counts.lagging, content.counts.new, content.counts.resolved) == (2, None, None)
    assert (content.counts.not_told_orders, content.counts.snoozed) == (1, 0)
    assert (content.today, content.generated_at) == (TODAY, NOW)


def test_assemble_counts_customers_not_told_once_per_customer():
    rows = [
        make_row(1, not_told=True, customer="Acme"),
        make_row(2, not_told=True, customer="Acme"),
        make_row(3, not_told=True, customer="Hooli"),
        make_row(4, not_told=False, customer="Initech"),
    ]

    counts = assemble(rows, how()).counts

    assert (counts.not_told_orders, counts.not_told_customers) == (3, 2)


def test_assemble_resolved_are_rows_of_the_last_digest_neither_lagging_nor_snoozed_now():
    previous = {1: reason_bits((OVERDUE,)), 2: reason_bits((OVERDUE,)), 3: reason_bits((OVERDUE,))}
    rows = [make_row(1), make_row(4, new=True)]

    counts = assemble(rows, how(previous=previous, snoozed=frozenset({2}))).counts

    assert (counts.lagging, counts.new, counts.resolved, counts.snoozed) == (2, 1, 1, 1)


# assemble: listing


def test_assemble_lists_the_most_overdue_first_then_by_order_id():
    rows = [
        make_row(1, promised_date=days_ago(2)),
        make_row(3, promised_date=days_ago(9)),
        make_row(2, promised_date=days_ago(9)),
        make_row(4, current_eta=days_ago(1), promised_date=days_ago(30)),  # the ETA counts
    ]

    content = assemble(rows, how())

    assert listed(content) == ["SO-002", "SO-003", "SO-001", "SO-004"]


def test_assemble_caps_the_listed_rows_and_counts_the_rest():
    rows = [make_row(n, promised_date=days_ago(n)) for n in range(1, 6)]

    content = assemble(rows, how(limit=2))

    assert listed(content) == ["SO-005", "SO-004"]
    assert (content.more, content.candidates, content.listed, content.counts.lagging) == (
        3,
        5,
        2,
        5,
    )


def test_assemble_only_changes_lists_new_rows_and_rows_with_a_new_reason():
    previous = {1: reason_bits((OVERDUE, NOT_TOLD)), 2: reason_bits((OVERDUE,))}
    rows = [
        make_row(1, OVERDUE),  # fewer reasons than before: no news
        make_row(2, OVERDUE, SLIPPED),  # a new reason
        make_row(3, OVERDUE, new=True),  # not lagging last time
    ]

    content = assemble(rows, how(only_changes=True, previous=previous))

    assert listed(content) == ["SO-002", "SO-003"]
    assert (content.candidates, content.counts.lagging, content.only_changes) == (2, 3, True)


def test_assemble_only_changes_before_the_first_digest_lists_everything():
    rows = [make_row(1), make_row(2)]

    content = assemble(rows, how(only_changes=True, previous=None))

    assert listed(content) == ["SO-001", "SO-002"]


def test_assemble_with_nothing_changed_is_empty_but_still_counts():
    previous = {1: reason_bits((OVERDUE,))}

    content = assemble([make_row(1)], how(only_changes=True, previous=previous))

    assert content.is_empty
    assert (content.listed, content.counts.lagging) == (0, 1)


def test_assemble_pins_threats_above_the_groups_whatever_the_cap_and_lists_them_once():
    rows = [make_row(n, promised_date=days_ago(10 - n)) for n in range(1, 4)]
    threats = [rows[2]._replace(threat="will cancel"), make_row(9, promised_date=days_ago(1))]

    content = assemble(rows, how(limit=1), threats)

    assert [r.order.external_id for r in content.threats] == ["SO-003", "SO-009"]
    assert listed(content) == ["SO-003", "SO-009", "SO-001"]
    assert (content.more, content.counts.lagging) == (1, 3)
    assert not content.is_empty


# assemble: groups


def test_assemble_groups_biggest_first_names_break_ties_and_unset_last():
    rows = [
        make_row(1, owner=None),
        make_row(2, owner=None),
        make_row(3, owner=None),
        make_row(4, owner="UBEE"),
        make_row(5, owner="UAYE"),
        make_row(6, owner="UCEE"),
        make_row(7, owner="UCEE"),
    ]

    groups = assemble(rows, how(grouping=Grouping.OWNER)).groups

    assert [(g.key, len(g.rows)) for g in groups] == [
        ("UCEE", 2),
        ("UAYE", 1),
        ("UBEE", 1),
        (None, 3),
    ]


@pytest.mark.parametrize(
    ("grouping", "keys"),
    [
        (Grouping.SUPPLIER, ["Globex", "Initech"]),
        (Grouping.CUSTOMER, ["Acme", "Hooli"]),
    ],
)
def test_assemble_groups_by_supplier_or_customer(grouping: Grouping, keys: list[str]):
    rows = [
        make_row(1, supplier="Globex", customer="Acme"),
        make_row(2, supplier="Initech", customer="Hooli"),
    ]

    groups = assemble(rows, how(grouping=grouping)).groups

    assert [g.key for g in groups] == keys


def test_assemble_without_grouping_has_one_unnamed_group_or_none_at_all():
    one = assemble([make_row(1), make_row(2)], how(grouping=Grouping.NONE)).groups
    none = assemble([], how(grouping=Grouping.NONE)).groups

    assert [(g.key, len(g.rows)) for g in one] == [(None, 2)]
    assert none == []


# clusters


def test_clusters_need_cluster_min_lagging_orders_sharing_a_supplier_or_sku():
    rows = [make_row(n, supplier="Globex", sku="SKU-A") for n in range(CLUSTER_MIN)]
    rows += [make_row(10 + n, supplier="Initech", sku="SKU-A") for n in range(CLUSTER_MIN - 1)]

    found = clusters(rows)

    assert found == [
        Cluster("sku", "SKU-A", 2 * CLUSTER_MIN - 1),
        Cluster("supplier", "Globex", CLUSTER_MIN),
    ]


def test_clusters_ignore_orders_without_supplier_or_sku():
    rows = [make_row(n, supplier=None, sku="") for n in range(CLUSTER_MIN + 1)]

    assert clusters(rows) == []


def test_clusters_of_equal_size_read_skus_before_suppliers_then_by_name():
    rows = [make_row(n, supplier="Zeta", sku="SKU-B") for n in range(CLUSTER_MIN)]
    rows += [make_row(10 + n, supplier="Alpha", sku="SKU-A") for n in range(CLUSTER_MIN)]

    found = clusters(rows)

    assert [(c.field, c.name) for c in found] == [
        ("sku", "SKU-A"),
        ("sku", "SKU-B"),
        ("supplier", "Alpha"),
        ("supplier", "Zeta"),
    ]
