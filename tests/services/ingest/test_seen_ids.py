"""The table that names repeated order ids: first lines kept exactly as it grows."""

from __future__ import annotations

from bot.services.ingest.csv_import.seen_ids import SeenIds


def test_seen_ids_returns_the_first_line_of_each_id_through_growth():
    seen = SeenIds(capacity=8)

    firsts = [seen.first_line(f"SO-{n}", n + 2) for n in range(10_000)]
    repeats = [seen.first_line(f"SO-{n}", 50_000 + n) for n in range(10_000)]

    assert firsts == [n + 2 for n in range(10_000)]
    assert repeats == firsts
    assert len(seen) == 10_000


def test_seen_ids_tells_similar_ids_apart():
    seen = SeenIds()

    lines = [
        seen.first_line(order_id, line) for line, order_id in enumerate(["1", "01", "1 ", "I"])
    ]

    assert lines == [0, 1, 2, 3]
