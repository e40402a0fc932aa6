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
_STATUSES = ["received", "confirmed", "backordered", "partially_filled", "filled"]


def generate(path: Path, rows: int, seed: int = 7) -> Path:
    """Write `rows` orders to `path` (skipped when a file of that size is already there)."""
    marker = path.with_suffix(".rows")
    if path.exists() and marker.exists() and marker.read_text() == str(rows):
        return path
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            ordered = start + timedelta(days=rng.randrange(600))
            promised = ordered + timedelta(days=rng.randrange(5, 60))
            eta = promised + timedelta(days=rng.randrange(-3, 20)) if rng.random() < 0.4 else None
            writer.writerow(
                [
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
                    rng.choice(_STATUSES),
                    eta.isoformat() if eta else "",
                ]
            )
    marker.write_text(str(rows))
    return path
