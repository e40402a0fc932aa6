"""The App Home dashboard on both databases: lists, grouping, filters, pages, admin panel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.bootstrap.container import Services
from bot.services.home.dashboard import Dashboard, HomeFilter, HomeList
from bot.services.orders.actions import ContactChannel, ContactOutcome
from bot.services.orders.lagging import LagKind
from bot.services.sync.health import SyncHealth, SyncServiceHealth
from tests.integrations.scripted import ScriptedUpstream, page, status
from tests.kit.common import FixedClock, configure_roles_and_teams
from tests.kit.home import (
    LEAD,
    ON_TRACK,
    OTHER,
    OVERDUE,
    REP,
    SLIPPED,
    add_orders,
    add_subscription,
)
from tests.kit.sync import record, sync_with

SIZES = {HomeList.LAGGING: 10, HomeList.TO_TELL: 10, HomeList.SNOOZED: 10, HomeList.EXPEDITES: 10}


async def dashboard(
    services: Services,
    user: str = REP,
    where: HomeFilter | None = None,
    pages: dict[HomeList, int] | None = None,
    sizes: dict[HomeList, int] = SIZES,
) -> Dashboard:
    return await services.home.dashboard(user, where or HomeFilter(), pages or {}, sizes)


def shown(items: list[Any]) -> list[str]:
    return [getattr(item, "order", item).external_id for item in items]


async def test_home_groups_my_lagging_orders_by_their_most_urgent_reason(services: Services):
    await add_orders(
        services,
        {
            "SO-SLIP": SLIPPED,
            "SO-LATE": OVERDUE,
            "SO-BACK": {"status": "backordered"},  # no ETA while delayed
            "SO-FINE": ON_TRACK,
            "SO-THEIRS": OVERDUE | {"owner": OTHER},
            "SO-DONE": OVERDUE | {"status": "filled"},
        },
    )

    home = await dashboard(services)

    assert [(s.order.external_id, s.lagging[0]) for s in home.lagging.items] == [
        ("SO-LATE", LagKind.OVERDUE),
        ("SO-SLIP", LagKind.SLIPPED),
        ("SO-BACK", LagKind.NO_ETA),
    ]
    assert home.lag_counts == {LagKind.OVERDUE: 1, LagKind.SLIPPED: 1, LagKind.NO_ETA: 1}
    assert home.lagging.total == 3


async def test_home_lists_customers_to_tell_until_a_contact_reaches_them(services: Services):
    await add_orders(services, {"SO-LATE": OVERDUE, "SO-SLIP": SLIPPED, "SO-FINE": ON_TRACK})

    before = await dashboard(services)
    await services.actions.log_contact(
        "SO-LATE", ContactChannel.PHONE, ContactOutcome.INFORMED, None,
        actor=REP, expected_version=None,
    )  # fmt: skip
    after = await dashboard(services)

    assert shown(before.to_tell.items) == ["SO-LATE", "SO-SLIP"]  # soonest due first
    assert shown(after.to_tell.items) == ["SO-SLIP"]


async def test_home_filter_by_kind_keeps_orders_with_that_reason_anywhere(services: Services):
    await add_orders(
        services, {"SO-LATE": OVERDUE, "SO-SLIP": SLIPPED, "SO-BACK": {"status": "backordered"}}
    )

    home = await dashboard(services, where=HomeFilter(kind=LagKind.NOT_TOLD))

    assert shown(home.lagging.items) == ["SO-LATE", "SO-SLIP"]
    assert home.lag_counts == {LagKind.OVERDUE: 1, LagKind.SLIPPED: 1}


async def test_home_filter_by_team_ignores_case_and_sets_the_figures(services: Services):
    await add_orders(
        services,
        {"SO-E": OVERDUE | {"team": "EMEA"}, "SO-A": OVERDUE | {"team": "apac"}, "SO-N": OVERDUE},
    )

    home = await dashboard(services, where=HomeFilter(team="emea"))

    assert shown(home.lagging.items) == ["SO-E"]
    assert (home.figures.team, home.figures.open_orders) == ("emea", 1)
    assert home.teams == ["apac", "emea"]


async def test_home_shows_snoozed_orders_until_they_wake(services: Services, clock: FixedClock):
    await add_orders(services, {"SO-LATE": OVERDUE, "SO-SOON": OVERDUE})
    wake = clock.now + timedelta(days=2)
    await services.actions.snooze(
        "SO-LATE", wake, "customer away", actor=REP, expected_version=None
    )
    await services.actions.snooze(
        "SO-SOON", clock.now + timedelta(days=1), "waiting", actor=REP, expected_version=None
    )

    asleep = await dashboard(services)
    clock.advance(days=3)
    awake = await dashboard(services)

    assert shown(asleep.snoozed.items) == ["SO-SOON", "SO-LATE"]  # the soonest to wake first
    assert asleep.snoozed.items[1].snoozed_until == wake
    assert asleep.lagging.total == 0
    assert (awake.snoozed.total, awake.lagging.total) == (0, 2)


async def test_home_lists_my_pending_expedite_requests_only(services: Services):
    await add_orders(services, {"SO-1": OVERDUE, "SO-2": OVERDUE, "SO-3": OVERDUE})
    configure_roles_and_teams(services, admins=frozenset({LEAD}))
    for order, actor in (("SO-1", REP), ("SO-2", OTHER), ("SO-3", REP)):
        await services.actions.request_expedite(order, "urgent", actor=actor, expected_version=None)
    [decided] = [
        e for e in (await dashboard(services)).expedites.items if e.order.external_id == "SO-3"
    ]
    assert decided.request.id is not None
    await services.actions.decide_expedite(decided.request.id, True, None, actor=LEAD)

    home = await dashboard(services)

    assert shown(home.expedites.items) == ["SO-1"]
    assert home.expedites.items[0].request.reason == "urgent"


async def test_home_pages_reach_every_lagging_order_once(services: Services):
    await add_orders(services, {f"SO-{n:02d}": OVERDUE for n in range(7)})
    sizes = SIZES | {HomeList.LAGGING: 3}

    pages = [await dashboard(services, pages={HomeList.LAGGING: n}, sizes=sizes) for n in range(3)]

    seen = [order for page in pages for order in shown(page.lagging.items)]
    assert seen == [f"SO-{n:02d}" for n in range(7)]
    assert [(p.lagging.has_previous, p.lagging.has_next) for p in pages] == [
        (False, True),
        (True, True),
        (True, False),
    ]
    assert pages[0].lagging.count == 3


async def test_home_page_past_the_end_shows_the_last_page(services: Services):
    await add_orders(services, {f"SO-{n}": OVERDUE for n in range(4)})

    home = await dashboard(
        services,
        pages={HomeList.LAGGING: 9, HomeList.SNOOZED: 4},
        sizes=SIZES | {HomeList.LAGGING: 3},
    )

    assert (home.lagging.number, shown(home.lagging.items)) == (1, ["SO-3"])
    assert home.snoozed.number == 0


async def test_home_admin_panel_is_for_admins_only(services: Services):
    configure_roles_and_teams(services, admins=frozenset({LEAD}))
    await add_subscription(services, "C0DIGEST1")

    admin = (await dashboard(services, user=LEAD)).admin
    rep = (await dashboard(services, user=REP)).admin

    assert rep is None
    assert admin is not None and admin.total_subscriptions == 1
    line = admin.subscriptions[0]
    assert line.schedule == "Mon–Fri at 08:30 (Europe/Berlin)"
    # Tuesday 09:00 UTC is 10:00 in Berlin: the next run is Wednesday 08:30 CET.
    assert line.next_run == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    assert admin.sync is None


async def test_home_admin_panel_shows_paused_and_unreadable_schedules(services: Services):
    configure_roles_and_teams(services, admins=frozenset({LEAD}))
    await add_subscription(services, "C0PAUSED1", paused=True, last_error="channel_not_found")
    await add_subscription(services, "C0BROKEN1", zone="Mars/Olympus")

    admin = (await dashboard(services, user=LEAD)).admin

    assert admin is not None
    paused, broken = admin.subscriptions
    assert (paused.next_run, paused.problem, paused.subscription.last_error) == (
        None,
        None,
        "channel_not_found",
    )
    assert broken.next_run is None
    assert broken.problem is not None and "Mars/Olympus" in broken.problem


async def test_home_admin_panel_reads_the_sync_status_source(services: Services, clock: FixedClock):
    configure_roles_and_teams(services, admins=frozenset({LEAD}))
    status = SyncHealth(clock.now, "HTTP 502 from upstream", clock.now, 12, consecutive_failures=2)

    class Source:
        async def status(self) -> SyncHealth | None:
            return status

    services.home.admin.sync_status = Source()

    admin = (await dashboard(services, user=LEAD)).admin

    assert admin is not None and admin.sync == status


async def test_home_admin_panel_shows_the_upstream_sync_health(
    services: Services, clock: FixedClock
):
    configure_roles_and_teams(services, admins=frozenset({LEAD}))
    upstream = ScriptedUpstream(
        [page([record("SO-1"), record("SO-2")]), status(502), status(502), status(502), status(502)]
    )
    sync = sync_with(services, upstream)
    services.home.admin.sync_status = SyncServiceHealth(sync)
    await sync.run_once()
    succeeded = clock.now
    clock.advance(minutes=15)
    await sync.run_once()

    admin = (await dashboard(services, user=LEAD)).admin

    assert admin is not None and admin.sync is not None
    health = admin.sync
    assert (health.last_success_at, health.orders_changed) == (succeeded, 2)
    assert (health.last_error_at, health.consecutive_failures) == (clock.now, 1)
    assert health.last_error is not None and "502" in health.last_error


async def test_home_admin_panel_says_when_no_sync_is_configured(services: Services):
    configure_roles_and_teams(services, admins=frozenset({LEAD}))

    admin = (await dashboard(services, user=LEAD)).admin

    assert admin is not None and admin.sync is None
    assert not services.sync.configured
