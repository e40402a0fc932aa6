"""Generate canonical order CSV files of any size, deterministically."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "order_id",
    "customer",
    "ordered_at",
    "promised_date",
    "owner",
    "team",
    "sku",
    "supplier",
    "quantity",
    "value",
    "currency",
    "status",
    "eta",
]
_OPEN = ["received", "confirmed", "backordered", "partially_filled"]
OPEN_SHARE = 0.10  # a backlog of 1M orders: 100k still open, about half of them overdue


def generate(path: Path, rows: int, seed: int = 7) -> Path:
    """Write `rows` orders dated around today (regenerated when the day or size changes)."""
    today = date.today()
    marker = path.with_suffix(".rows")
    stamp = f"{rows} {today.isoformat()}"
    if path.exists() and marker.exists() and marker.read_text() == stamp:
        return path
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow(_row(rng, n, today))
    marker.write_text(stamp)
    return path


def _row(rng: random.Random, n: int, today: date) -> list[object]:
    is_open = rng.random() < OPEN_SHARE
    ordered = today - timedelta(days=rng.randrange(1, 70) if is_open else rng.randrange(30, 730))
    promised = ordered + timedelta(days=rng.randrange(5, 60))
    eta = promised + timedelta(days=rng.randrange(-3, 20)) if rng.random() < 0.4 else None
    closed = "filled" if rng.random() < 0.94 else "cancelled"
    return [
        f"SO-{n:08d}",
        f"Customer {rng.randrange(5000)}",
        ordered.isoformat(),
        promised.isoformat(),
        f"U{rng.randrange(200):08d}",
        f"team-{rng.randrange(12)}",
        f"SKU-{rng.randrange(20000)}",
        f"Supplier {rng.randrange(300)}",
        rng.randrange(1, 500),
        f"{rng.uniform(5, 50000):.2f}",
        "USD",
        rng.choice(_OPEN) if is_open else closed,
        eta.isoformat() if eta else "",
    ]
