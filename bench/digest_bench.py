"""Digest benchmark: composing a digest of 1M orders (about 50k lagging), with the query plan.

The database is the slash-command benchmark's (generated orders imported once by
`backlog-bot import`, reused by later runs). Composing is what every digest slot does before it
posts: one indexed query for candidate orders, the lag rules over each, counts against the
previous digest's snapshot, grouping and clusters; then the Block Kit of the capped rows.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

from bench.generate import generate
from bench.import_bench import DATA, PG_ADMIN
from bench.slack_bench import _ensure_pg_database
from bot.blocks.digests.message import DigestHeading, build_digest
from bot.bootstrap.container import build_services
from bot.services.digests.spec import DigestSpec
from bot.services.orders.lagging import LagKind
from storage.digests.candidates import candidate_query

REPEATS = 7
CASES = {
    "overdue": DigestSpec(kinds=frozenset({LagKind.OVERDUE})),
    "every kind": DigestSpec(),
}


class Explain(Executable, ClauseElement):
    """EXPLAIN of a statement, with its bound values (SQLAlchemy's usual recipe)."""

    inherit_cache = False

    def __init__(self, statement: Any) -> None:
        self.statement = statement


@compiles(Explain)
def _explain(element: Explain, compiler: Any, **kw: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if compiler.dialect.name == "sqlite" else "EXPLAIN (ANALYZE) "
    return prefix + str(compiler.process(element.statement, **kw))


@dataclass(frozen=True)
class Figures:
    """Median seconds of each step, and what the digest found."""

    query: float
    compose: float
    compose_best: float  # the fastest run: the closest to an idle machine
    compose_cpu: float  # this process's CPU time: what other load on the machine cannot inflate
    blocks: float
    lagging: int
    candidates: int
    messages: int


async def seeded_database(backend: str, rows: int) -> str:
    """A database of `rows` generated orders of its own, imported once and reused."""
    csv_path = generate(DATA / f"orders-{rows}.csv", rows)
    if backend == "postgresql":
        url = make_url(PG_ADMIN).set(database=f"backlog_bench_digest_{rows}")
        url_text = url.render_as_string(hide_password=False)
        fresh = await _ensure_pg_database(url.database or "")
    else:
        path = DATA / f"digest-{rows}.db"
        url_text, fresh = f"sqlite:///{path}", not path.exists()
    # Regenerated data (a new day) means a new import: the generator dates orders around today.
    marker = DATA / f"digest-{backend}-{rows}.seeded"
    stamp = csv_path.with_suffix(".rows").read_text()
    if fresh or not marker.exists() or marker.read_text() != stamp:
        env = {**os.environ, "DATABASE_URL": url_text}
        command = [sys.executable, "-m", "bot", "import", str(csv_path)]
        await asyncio.to_thread(subprocess.run, command, env=env, check=True)
        marker.write_text(stamp)
    return url_text


async def bench_backend(backend: str, rows: int) -> None:
    url = await seeded_database(backend, rows)
    services = build_services(url)
    await services.migrate()  # a database seeded by an older version gets the newer tables
    try:
        async with services.engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
        for name, spec in CASES.items():
            figures = await _measure(services, spec)
            print(
                f"{backend:<11}{rows:>9} {name:<11}{figures.candidates:>11,}{figures.lagging:>9,}"
                f"{figures.query * 1000:>10.0f}{figures.compose * 1000:>12.0f}"
                f"{figures.compose_best * 1000:>7.0f}{figures.compose_cpu * 1000:>9.0f}"
                f"{figures.blocks * 1000:>10.0f}"
                f"{figures.messages:>6}",
                flush=True,
            )
            print(await _plan(services, spec))
            print(f"    (load average {os.getloadavg()[0]:.2f})", flush=True)
    finally:
        await services.close()


async def _measure(services: Any, spec: DigestSpec) -> Figures:
    composer = services.digests.composer
    first = await composer.compose(spec, None, spec.max_rows)  # warm-up; its snapshot is "last"
    previous = dict(first.snapshot)
    query_times, compose_times, cpu_times, block_times = [], [], [], []
    for _ in range(REPEATS):
        where, bounds = composer.explain_bounds(spec)
        started = time.perf_counter()
        async with services.sessions() as session:
            found = (
                await session.execute(
                    candidate_query(where, bounds, session.get_bind().dialect.name)
                )
            ).all()
        query_times.append(time.perf_counter() - started)
        started, cpu = time.perf_counter(), time.process_time()
        content = await composer.compose(spec, previous, spec.max_rows)
        compose_times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu)
        started = time.perf_counter()
        messages = build_digest(content, DigestHeading(show_all="1", max_rows=200), UTC)
        block_times.append(time.perf_counter() - started)
    return Figures(
        statistics.median(query_times), statistics.median(compose_times), min(compose_times),
        statistics.median(cpu_times), statistics.median(block_times), content.counts.lagging,
        len(found), len(messages),
    )  # fmt: skip


async def _plan(services: Any, spec: DigestSpec) -> str:
    where, bounds = services.digests.composer.explain_bounds(spec)
    async with services.sessions() as session:
        lines = await _explain_lines(
            session, candidate_query(where, bounds, session.get_bind().dialect.name)
        )
    return "\n".join(f"    {line}" for line in lines)


async def _explain_lines(session: AsyncSession, statement: Any) -> list[str]:
    result = await session.execute(Explain(statement))
    if session.get_bind().dialect.name == "sqlite":
        return [str(row[-1]) for row in result]
    return [str(row[0]) for row in result]


def run(sizes: list[int], backends: list[str]) -> None:
    print("digest benchmark: compose = candidate query + lag rules + counts/grouping/clusters;")
    print("query = the candidate query alone; blocks = Block Kit of the capped rows (200)")
    print(f"(median of {REPEATS}; load average {os.getloadavg()[0]:.2f} at start)")
    print(
        f"{'database':<11}{'orders':>9} {'kinds':<11}{'candidates':>11}{'lagging':>9}"
        f"{'query ms':>10}{'compose ms':>12}{'best':>7}{'cpu ms':>9}{'blocks ms':>10}{'msgs':>6}"
    )
    DATA.mkdir(exist_ok=True)
    for backend in backends:
        for rows in sizes:
            asyncio.run(bench_backend(backend, rows))
