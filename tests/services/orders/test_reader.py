"""The read side: the card's latest notes, suggestions, lag reasons on both databases."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest

from bot.bootstrap.container import Services
from bot.services.core.errors import OrderNotFound
from bot.services.orders.lagging import LagKind
from bot.services.orders.listing_totals import KEPT, ListingTotals
from bot.services.orders.reader import OrderFilter, OrderReader
from storage.orders.tables import OrderStatus
from tests.kit.common import FixedClock, order_row, seed_orders

REP = "U0REP0001"


async def test_card_shows_only_this_orders_three_latest_notes_newest_first(
    services: Services, tmp_path: Path, clock: FixedClock
):
    await seed_orders(services, tmp_path, [order_row(order_id="A"), order_row(order_id="B")])
    for n in range(5):
        clock.advance(minutes=1)
        await services.actions.add_note("A", f"note {n}", actor=REP, expected_version=None)
        await services.actions.add_note("B", f"other {n}", actor=REP, expected_version=None)

    detail = await services.orders.detail("A")

    assert [e.note or e.new_value for e in detail.notes] == ["note 4", "note 3", "note 2"]
    assert {e.order_id for e in detail.notes} == {detail.order.id}
    assert detail.notes[0].at == clock.now


async def test_card_of_an_order_without_notes_has_none(services: Services, tmp_path: Path):
    await seed_orders(services, tmp_path, [order_row()])

    detail = await services.orders.detail("SO-1001")

    assert detail.notes == []
    assert detail.order.external_id == "SO-1001"


async def test_unknown_id_raises_with_close_matches(services: Services, tmp_path: Path):
    rows = [order_row(order_id="SO-1001"), order_row(order_id="SO-1010", customer="Zeta")]
    await seed_orders(services, tmp_path, rows)

    with pytest.raises(OrderNotFound) as caught:
        await services.orders.detail("SO-101")

    assert [o.external_id for o in caught.value.suggestions] == ["SO-1010", "SO-1001"]


async def test_unknown_id_suggests_customers_starting_like_it_in_any_case(
    services: Services, tmp_path: Path
):
    rows = [order_row(order_id="SO-1001"), order_row(order_id="SO-1010", customer="Zeta Labs")]
    await seed_orders(services, tmp_path, rows)

    with pytest.raises(OrderNotFound) as caught:
        await services.orders.detail("zeta")

    assert [o.external_id for o in caught.value.suggestions] == ["SO-1010"]


async def test_lowercase_id_prefix_suggests_the_uppercase_ids(services: Services, tmp_path: Path):
    await seed_orders(services, tmp_path, [order_row(order_id="SO-1001")])

    with pytest.raises(OrderNotFound) as caught:
        await services.orders.detail("so-100")

    assert [o.external_id for o in caught.value.suggestions] == ["SO-1001"]


async def test_lag_reasons_of_an_overdue_slipped_order(services: Services, tmp_path: Path):
    row = order_row(promised_date="2026-11-10", eta="2026-11-20", status="delayed")
    await seed_orders(services, tmp_path, [row])

    detail = await services.orders.detail("SO-1001")

    assert detail.lagging[:3] == [LagKind.OVERDUE, LagKind.SLIPPED, LagKind.NOT_TOLD]
    assert detail.customer_told is False


async def test_owner_page_lists_open_orders_most_overdue_first_with_the_count(
    services: Services, tmp_path: Path
):
    rows = [
        order_row(order_id="A", owner=REP, promised_date="2026-11-20"),
        order_row(order_id="B", owner=REP, promised_date="2026-11-10"),
        order_row(order_id="C", owner=REP, promised_date="2026-11-15", eta="2026-11-30"),
        order_row(order_id="D", owner=REP, promised_date="2026-11-01", status="filled"),
        order_row(order_id="E", owner="U0OTHER01", promised_date="2026-11-02"),
    ]
    await seed_orders(services, tmp_path, rows)

    first = await services.orders.page(OrderFilter(owner=REP), offset=0, limit=2)
    second = await services.orders.page(OrderFilter(owner=REP), offset=2, limit=2)

    assert [s.order.external_id for s in first.items] == ["B", "A"]
    assert [s.order.external_id for s in second.items] == ["C"]
    assert (first.total, second.total, first.next_offset, second.next_offset) == (3, 3, 2, None)


async def test_page_past_the_end_is_empty_but_still_counts(services: Services, tmp_path: Path):
    await seed_orders(
        services, tmp_path, [order_row(order_id=f"A{n}", owner=REP) for n in range(3)]
    )

    page = await services.orders.page(OrderFilter(owner=REP), offset=10, limit=10)
    nobody = await services.orders.page(OrderFilter(owner="U0NOBODY1"), offset=0, limit=10)

    assert (page.items, page.total) == ([], 3)
    assert (nobody.items, nobody.total) == ([], 0)


async def test_large_totals_are_reused_for_a_few_seconds_but_rows_and_last_pages_are_fresh(
    services: Services, tmp_path: Path, clock: FixedClock
):
    rows = [order_row(order_id=f"L{n}", owner=REP, promised_date="2026-11-01") for n in range(5)]
    await seed_orders(services, tmp_path, rows)
    totals = ListingTotals(clock, fresh_for=timedelta(seconds=15), cached_from=3)
    reader = OrderReader(services.sessions, services.cards, clock, UTC, totals=totals)
    mine = OrderFilter(owner=REP)
    counted = await reader.page(mine, offset=0, limit=2)

    await services.actions.close("L0", OrderStatus.FILLED, None, actor=REP, expected_version=None)
    clock.advance(seconds=14)
    remembered = await reader.page(mine, offset=0, limit=2)
    last = await reader.page(mine, offset=2, limit=2)
    clock.advance(seconds=1)
    recounted = await reader.page(mine, offset=0, limit=2)

    assert (counted.total, counted.next_offset) == (5, 2)
    assert [s.order.external_id for s in remembered.items] == ["L1", "L2"]  # rows are fresh
    assert (remembered.total, remembered.next_offset) == (5, 2)  # the total is 14 s old
    assert ([s.order.external_id for s in last.items], last.total, last.next_offset) == (
        ["L3", "L4"],
        4,
        None,
    )  # the last page knows the exact total
    assert recounted.total == 4


async def test_small_totals_are_always_counted(
    services: Services, tmp_path: Path, clock: FixedClock
):
    rows = [order_row(order_id=f"S{n}", owner=REP, promised_date="2026-11-01") for n in range(3)]
    await seed_orders(services, tmp_path, rows)
    reader = OrderReader(
        services.sessions, services.cards, clock, UTC, totals=ListingTotals(clock, cached_from=10)
    )
    before = await reader.page(OrderFilter(owner=REP), offset=0, limit=1)

    await services.actions.close("S0", OrderStatus.FILLED, None, actor=REP, expected_version=None)
    after = await reader.page(OrderFilter(owner=REP), offset=0, limit=1)

    assert (before.total, after.total) == (3, 2)


def test_listing_totals_forget_the_oldest_listing_beyond_their_capacity(clock: FixedClock):
    totals = ListingTotals(clock, cached_from=1)
    for n in range(KEPT + 1):
        totals.counted(("listing", n), 100 + n)

    assert totals.recent(("listing", 0)) is None
    assert totals.recent(("listing", 1)) == 101
    assert totals.recent(("listing", KEPT)) == 100 + KEPT
