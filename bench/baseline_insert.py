"""Baseline: the same CSV rows inserted with a plain driver executemany (no checks, no events)."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

COLUMNS = (
    "external_id, customer, ordered_at, promised_date, owner, team, sku, supplier, quantity,"
    " value, currency, status, current_eta, slip_count, days_slipped, last_activity_at,"
    " version, created_at, updated_at"
)
CHUNK = 1000


def rows(path: Path, now: datetime) -> Iterator[tuple[Any, ...]]:
    """Each CSV record as an orders row, converted with the standard library only."""
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for r in reader:
            ordered = datetime.fromisoformat(r[2]).replace(tzinfo=UTC)
            eta = date.fromisoformat(r[12]) if r[12] else None
            yield (
                r[0], r[1], ordered, date.fromisoformat(r[3]), r[4], r[5], r[6], r[7],
                Decimal(r[8]), Decimal(r[9]), r[10], r[11], eta, 0, 0, now, 1, now, now,
            )  # fmt: skip


def chunks(path: Path, now: datetime) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows(path, now):
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def sqlite_baseline(path: Path, database: str) -> None:
    now = datetime.now(UTC)
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    marks = ", ".join("?" * 19)
    sql = f"INSERT INTO orders ({COLUMNS}) VALUES ({marks})"
    with conn:
        for batch in chunks(path, now):
            conn.executemany(sql, [_sqlite_row(r) for r in batch])
    conn.close()


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        v.replace(tzinfo=None).isoformat(" ")
        if isinstance(v, datetime)
        else str(v)
        if isinstance(v, Decimal | date)
        else v
        for v in row
    )


async def postgres_baseline(path: Path, dsn: str) -> None:
    now = datetime.now(UTC)
    conn = await asyncpg.connect(dsn)
    marks = ", ".join(f"${i}" for i in range(1, 20))
    sql = f"INSERT INTO orders ({COLUMNS}) VALUES ({marks})"
    async with conn.transaction():
        for batch in chunks(path, now):
            await conn.executemany(sql, batch)
    await conn.close()


if __name__ == "__main__":
    csv_path, target = Path(sys.argv[1]), sys.argv[2]
    if target.startswith("postgresql"):
        asyncio.run(postgres_baseline(csv_path, target))
    else:
        sqlite_baseline(csv_path, target)
