"""The Home view builder: Slack's limits in the worst case, paging through 500 orders, state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.blocks.home.view import (
    MAX_HOME_BLOCKS,
    PAGE_SIZES,
    HomeState,
    build_home,
    worst_case_blocks,
)
from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.sandbox.limits import check_view
from bot.services.home.admin_panels import AdminPanel, SubscriptionLine
from bot.services.home.dashboard import Dashboard, HomeFilter, HomeList, Page, PendingExpedite
from bot.services.home.team_figures import TeamFigures
from bot.services.orders.lagging import LagKind
from bot.services.orders.reader import OrderSummary
from bot.services.sync.health import SyncHealth
from storage.digests.tables import DigestSubscription
from storage.orders.tables import ExpediteRequest, Order, OrderStatus
from tests.kit.home import OVERDUE, REP, SLIPPED, add_orders

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LONG = "Ünïcode & <angle> “quotes” " * 20


def order(n: int) -> Order:
    return Order(
        id=n, external_id=f"SO-{n:0120d}", customer=LONG[:255], owner=REP, team="emea",
        status=OrderStatus.CONFIRMED, ordered_at=NOW - timedelta(days=40),
        promised_date=date(2026, 11, 1),
        current_eta=date(2026, 12, 1), eta_changed_at=NOW, last_activity_at=NOW,
        snoozed_until=NOW + timedelta(days=2), version=7, created_at=NOW, updated_at=NOW,
        sku="S" * 128, product=LONG,
    )  # fmt: skip


def summary(n: int, kinds: list[LagKind]) -> OrderSummary:
    return OrderSummary(order(n), kinds, False, 40)


def worst_dashboard() -> Dashboard:
    """Every list full, a new reason group on every lagging row, long text everywhere."""
    kinds = list(LagKind)
    lagging = [summary(n, [kinds[min(n, len(kinds) - 1)], *kinds]) for n in range(10)]
    request = ExpediteRequest(id=1, order_id=1, requested_by=REP, reason=LONG * 10, created_at=NOW)
    subscription = DigestSubscription(
        id=1, channel_id="C0DIGEST1", created_by=REP, days="mon-fri", times="08:30",
        zone="Europe/Berlin", last_error=LONG, last_error_at=NOW, last_success_at=NOW,
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    line = SubscriptionLine(subscription, "Mon–Fri at 08:30 (Europe/Berlin)", NOW)
    return Dashboard(
        user=REP,
        filter=HomeFilter(LagKind.OVERDUE, "x" * 128),
        lagging=Page(lagging, 500, 3, 10),
        lag_counts=dict.fromkeys(LagKind, 80),
        to_tell=Page([summary(n, [LagKind.NOT_TOLD]) for n in range(20, 25)], 99, 2, 5),
        snoozed=Page([order(n) for n in range(30, 35)], 99, 2, 5),
        expedites=Page([PendingExpedite(request, order(n)) for n in range(40, 45)], 99, 2, 5),
        figures=TeamFigures("x" * 128, 100_000, 40_000, 7.5, 50_000, 31_000, NOW),
        teams=[f"team-{n:03d}-{'t' * 120}" for n in range(150)],
        admin=AdminPanel([line] * 5, 12, SyncHealth(NOW, LONG * 20, NOW, 1234, 3)),
    )


def blocks_of(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(block for block in view["blocks"] if block.get("block_id") == block_id)


def test_home_worst_case_fits_slacks_100_blocks():
    view = build_home(worst_dashboard(), NOW.date(), UTC).to_dict()

    assert len(view["blocks"]) == worst_case_blocks() <= MAX_HOME_BLOCKS
    assert check_view(view) is None


def test_home_page_sizes_leave_room_under_the_limit():
    assert worst_case_blocks() <= MAX_HOME_BLOCKS
    assert PAGE_SIZES[HomeList.LAGGING] >= 10  # a rep sees a useful page at a time


async def test_home_of_a_rep_with_500_lagging_orders_pages_through_all_of_them(
    services: Services,
):
    kinds = (OVERDUE, SLIPPED, {"status": "backordered"})
    await add_orders(services, {f"SO-{n:03d}": kinds[n % 3] for n in range(500)})
    state, seen, pages = HomeState(), [], 0

    while True:
        home = await services.home.dashboard(REP, state.filter, state.pages, PAGE_SIZES)
        view = build_home(home, services.orders.today(), services.orders.zone).to_dict()
        assert check_view(view) is None and len(view["blocks"]) <= MAX_HOME_BLOCKS
        seen += [item.order.external_id for item in home.lagging.items]
        pages += 1
        paging = [b for b in view["blocks"] if b.get("block_id") == "home_paging_lag"]
        following = [
            e for b in paging for e in b["elements"] if e["action_id"] == ids.HOME_NEXT_ACTION
        ]
        if not following:
            break
        state = HomeState.decode(following[0]["value"])

    assert pages == 50
    assert sorted(seen) == [f"SO-{n:03d}" for n in range(500)]
    assert len(set(seen)) == 500


def test_home_state_round_trips_through_its_encoding():
    state = HomeState(HomeFilter(LagKind.STALE, "EMEA"), {HomeList.SNOOZED: 3, HomeList.LAGGING: 0})

    decoded = HomeState.decode(state.encode())

    assert decoded.filter == state.filter
    assert dict(decoded.pages) == {HomeList.SNOOZED: 3}
    assert len(HomeState(HomeFilter(team="t" * 128), dict.fromkeys(HomeList, 99)).encode()) < 2000


@pytest.mark.parametrize(
    "text",
    [None, "", "not json", "[]", '{"k": "nonsense"}', '{"p": {"nope": 1}}', '{"p": {"lag": "x"}}'],
)
def test_home_state_from_anything_unreadable_is_the_default(text: str | None):
    assert HomeState.decode(text) == HomeState()


def test_home_filter_controls_show_the_current_filter():
    dashboard = worst_dashboard()

    view = build_home(dashboard, NOW.date(), UTC).to_dict()

    kind, team, clear, refresh = blocks_of(view, ids.HOME_FILTER_BLOCK)["elements"]
    assert kind["initial_option"]["value"] == "overdue"
    assert team["initial_option"]["value"] == "x" * 128  # kept although no open order has it
    assert len(team["options"]) == 100
    assert (clear["action_id"], refresh["action_id"]) == (
        ids.HOME_CLEAR_ACTION,
        ids.HOME_REFRESH_ACTION,
    )
    assert HomeState.decode(clear["value"]) == HomeState()


def test_home_rows_carry_the_cards_buttons_and_menu():
    view = build_home(worst_dashboard(), NOW.date(), UTC).to_dict()

    row = blocks_of(view, "home_row_lag_0")

    actions = [element["action_id"] for element in row["elements"]]
    assert actions == [
        ids.ETA_ACTION,
        ids.CONTACT_ACTION,
        ids.NOTE_ACTION,
        ids.DRAFT_UPDATE_ACTION,
        ids.ORDER_MENU_ACTION,
    ]


def test_home_admin_section_hints_the_digest_commands_and_sync_state():
    dashboard = worst_dashboard()
    assert dashboard.admin is not None
    unconfigured = Dashboard(**{**vars(dashboard), "admin": AdminPanel([], 0, None)})

    texts = str(build_home(unconfigured, NOW.date(), UTC).to_dict()["blocks"])

    assert "/backlog digest add|list|edit|pause|remove|test" in texts
    assert "Upstream sync not configured" in texts
    assert "No digest subscriptions yet" in texts
