"""Team figures on both databases: counts, median age, customers told, the cache."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap.container import Services
from bot.services.home.team_figures import FIGURES_TTL, TeamFiguresService, median
from bot.services.orders.actions import ContactChannel, ContactOutcome
from bot.services.orders.lagging import LagRules
from tests.kit.common import FixedClock
from tests.kit.home import ON_TRACK, OVERDUE, REP, SLIPPED, add_orders


def ordered(day: int) -> dict[str, datetime]:
    return {"ordered_at": datetime(2026, 11, day, 12, tzinfo=UTC)}


async def test_team_figures_count_open_lagging_and_customers_told(services: Services):
    await add_orders(
        services,
        {
            "SO-LATE": OVERDUE | ordered(23),  # 1 business day old by Tuesday the 24th
            "SO-SLIP": SLIPPED | ordered(20),  # 2
            "SO-FINE": ON_TRACK | ordered(17),  # 5
            "SO-DONE": OVERDUE | {"status": "filled"},
        },
    )
    await services.actions.log_contact(
        "SO-SLIP", ContactChannel.EMAIL, ContactOutcome.INFORMED, None,
        actor=REP, expected_version=None,
    )  # fmt: skip

    figures = await services.home.figures.figures(None)

    assert (figures.open_orders, figures.lagging) == (3, 2)
    assert figures.median_age_days == 2
    # SO-LATE and SO-SLIP have news (a passed promise, a changed ETA); SO-SLIP's customer heard.
    assert (figures.with_news, figures.told, figures.told_percent) == (2, 1, 50)
    assert figures.as_of == services.clock()


async def test_team_figures_of_one_team_ignore_case(services: Services):
    await add_orders(
        services,
        {
            "SO-E1": OVERDUE | {"team": "EMEA"},
            "SO-E2": ON_TRACK | {"team": "emea"},
            "SO-A": OVERDUE | {"team": "apac"},
        },
    )

    figures = await services.home.figures.figures("Emea")

    assert (figures.team, figures.open_orders, figures.lagging) == ("emea", 2, 1)


async def test_team_figures_without_open_orders_have_no_median_and_no_share(services: Services):
    figures = await services.home.figures.figures("nobody")

    assert (figures.open_orders, figures.median_age_days, figures.told_percent) == (0, None, None)


async def test_team_figures_are_cached_for_a_few_minutes(services: Services, clock: FixedClock):
    figures = services.home.figures
    await add_orders(services, {"SO-1": OVERDUE})
    first = await figures.figures(None)
    await add_orders(services, {"SO-2": OVERDUE})

    clock.advance(seconds=FIGURES_TTL.total_seconds() - 1)
    cached = await figures.figures(None)
    clock.advance(seconds=1)
    stale = await figures.figures(None)  # served at once; a refresh starts behind it
    await figures.settle()
    fresh = await figures.figures(None)

    assert cached is first and stale is first
    assert (fresh.open_orders, fresh.as_of) == (2, clock.now)


async def test_team_figures_refresh_once_for_concurrent_callers(
    services: Services, clock: FixedClock
):
    figures = services.home.figures
    await add_orders(services, {"SO-1": OVERDUE})

    together = await asyncio.gather(*(figures.figures("x") for _ in range(5)))

    assert all(result is together[0] for result in together)


class FlakySessions:
    """A session factory whose database can go away."""

    def __init__(self, services: Services) -> None:
        self._sessions = services.sessions
        self.down = False

    def __call__(self) -> Any:
        if self.down:
            raise ConnectionRefusedError("database unreachable")
        return self._sessions()


async def test_team_figures_keep_the_stale_ones_when_a_refresh_fails(
    services: Services, clock: FixedClock, caplog: pytest.LogCaptureFixture
):
    sessions = FlakySessions(services)
    figures = TeamFiguresService(cast(Any, sessions), clock, UTC, LagRules())
    first = await figures.figures(None)
    clock.advance(seconds=FIGURES_TTL.total_seconds())
    sessions.down = True

    stale = await figures.figures(None)
    await figures.settle()
    again = await figures.figures(None)
    await figures.settle()

    assert stale is first and again is first
    assert caplog.text.count("refreshing team figures failed") == 2


async def test_team_figures_list_teams_with_open_orders(services: Services):
    await add_orders(
        services,
        {
            "SO-1": {"team": "EMEA"},
            "SO-2": {"team": "emea"},
            "SO-3": {"team": "apac"},
            "SO-4": {"team": "closed-team", "status": "cancelled"},
            "SO-5": {},
        },
    )

    assert await services.home.figures.teams() == ["apac", "emea"]


@pytest.mark.parametrize(("zone", "age"), [("UTC", 1), ("Asia/Tokyo", 0)])
async def test_team_figures_count_age_in_business_days_of_the_bots_zone(
    services: Services, clock: FixedClock, zone: str, age: int
):
    # Monday 23:30 UTC is already Tuesday 08:30 in Tokyo, the day the clock stands on.
    await add_orders(services, {"SO-1": {"ordered_at": datetime(2026, 11, 23, 23, 30, tzinfo=UTC)}})
    figures = TeamFiguresService(services.sessions, clock, ZoneInfo(zone), LagRules())

    assert (await figures.figures(None)).median_age_days == age


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([7], 7),
        ([1, 9, 3], 3),
        ([1, 2, 3, 10], 2.5),
        ([4, 4, 4, 1, 30], 4),
        ([0, 0, 5, 5], 2.5),
    ],
)
def test_median_of_a_histogram(values: list[int], expected: float | None):
    assert median(Counter(values)) == expected
