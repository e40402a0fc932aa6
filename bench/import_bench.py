"""Import benchmark: `backlog-bot import` against a plain executemany of the same rows."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from bench.generate import generate
from bench.measure import Run, measure

DATA = Path(__file__).parent / ".data"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_BENCH_DB = "backlog_bench"


async def _recreate_pg() -> str:
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    await admin.close()
    return str(make_url(PG_ADMIN).set(database=PG_BENCH_DB).render_as_string(False))


def fresh_database(backend: str, rows: int) -> str:
    """An empty, migrated database; returns its URL."""
    if backend == "postgresql":
        url = asyncio.run(_recreate_pg())
    else:
        path = DATA / f"import-{rows}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    measure([sys.executable, "-m", "bot", "db", "upgrade"], {"DATABASE_URL": url})
    return url


def bench_one(backend: str, rows: int) -> tuple[Run, Run]:
    """(import, baseline) for one backend and size."""
    csv_path = generate(DATA / f"orders-{rows}.csv", rows)
    url = fresh_database(backend, rows)
    imported = measure(
        [sys.executable, "-m", "bot", "import", str(csv_path)], {"DATABASE_URL": url}
    )
    url = fresh_database(backend, rows)
    target = url if backend == "postgresql" else url.removeprefix("sqlite:///")
    baseline = measure([sys.executable, "-m", "bench.baseline_insert", str(csv_path), target])
    return imported, baseline


def run(sizes: list[int], backends: list[str]) -> None:
    DATA.mkdir(exist_ok=True)
    print("import benchmark: backlog-bot import (upsert + event log) vs plain executemany")
    header = f"{'database':<11}{'rows':>9}{'import r/s':>12}{'baseline r/s':>14}{'ratio':>7}"
    print(header + f"{'import MiB':>12}{'baseline MiB':>14}")
    for backend in backends:
        for rows in sizes:
            imported, baseline = bench_one(backend, rows)
            print(
                f"{backend:<11}{rows:>9}{rows / imported.seconds:>12,.0f}"
                f"{rows / baseline.seconds:>14,.0f}{imported.seconds / baseline.seconds:>7.2f}"
                f"{imported.peak_mib:>12.0f}{baseline.peak_mib:>14.0f}",
                flush=True,
            )
