"""App Home benchmark: team figures and one rep's dashboard on the generated backlog.

In-process, against the same seeded databases as the slash-command benchmark (1M orders: 100k
open, 200 owners, 12 teams). **Baseline**: streaming the same columns of the same open orders
with no rule applied, i.e. the database's share of the work; the figures add the lag rules,
business-day ages and the median.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bench.import_bench import DATA
from bench.slack_bench import seeded_database
from bot.blocks.home.view import PAGE_SIZES
from bot.bootstrap.container import Services, build_services
from bot.services.home.dashboard import HomeFilter
from bot.services.home.team_figures import TeamFiguresService
from storage.orders.facts import open_order_facts

REP = "U00000007"  # a generated owner: about 500 open orders at 1M
TEAM = "team-3"
ROUNDS = 5


async def _best(work: Callable[[], Awaitable[Any]]) -> float:
    """The fastest of ROUNDS runs, in milliseconds (the least disturbed by other processes)."""
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


async def _stream_open(services: Services) -> int:
    count = 0
    async with services.sessions() as session:
        async for chunk in open_order_facts(session):
            count += len(chunk)
    return count


def _cold(services: Services, team: str | None) -> Callable[[], Awaitable[Any]]:
    # A TTL of zero recomputes every time: the cost of a Home open when the cache is cold.
    orders = services.orders
    figures = TeamFiguresService(
        services.sessions, services.clock, orders.zone, orders.rules, ttl=timedelta(0)
    )
    return lambda: figures.figures(team)


async def _bench(backend: str, rows: int) -> list[tuple[str, float]]:
    services = build_services(await seeded_database(backend, rows))
    try:
        baseline = await _best(lambda: _stream_open(services))

        async def dashboard() -> Any:
            return await services.home.dashboard(REP, HomeFilter(), {}, PAGE_SIZES)

        await dashboard()  # warm: figures cached, as for every Home open within 5 minutes
        return [
            ("baseline: stream open rows", baseline),
            ("figures, all teams (cold)", await _best(_cold(services, None))),
            (f"figures, {TEAM} (cold)", await _best(_cold(services, TEAM))),
            ("rep dashboard (figures cached)", await _best(dashboard)),
        ]
    finally:
        await services.close()


def run(sizes: list[int], backends: list[str]) -> None:
    DATA.mkdir(exist_ok=True)
    print(f"\nApp Home: best of {ROUNDS} runs, in-process")
    print(f"{'database':<11}{'orders':>9}  {'work':<34}{'ms':>9}{'vs base':>9}")

    async def main() -> None:
        for backend in backends:
            for rows in sizes:
                results = await _bench(backend, rows)
                base = results[0][1]
                for name, ms in results:
                    print(
                        f"{backend:<11}{rows:>9}  {name:<34}{ms:>9.1f}{ms / base:>8.2f}x",
                        flush=True,
                    )

    asyncio.run(main())
