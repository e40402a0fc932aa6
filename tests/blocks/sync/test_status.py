"""The sync's text: how long ago, the digests' freshness line, the status blocks' limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.blocks.sync.status import ago, build_sync_status, freshness_line
from bot.services.sync import SyncPlan, SyncStatus
from storage.ingest.tables import SyncState
from tests.kit.common import checked_message

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("elapsed", "said"),
    [
        (timedelta(seconds=30), "just now"),
        (timedelta(minutes=12), "12 min ago"),
        (timedelta(minutes=59), "59 min ago"),
        (timedelta(hours=3, minutes=20), "3 h ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(minutes=-5), "just now"),  # another process's clock runs ahead
    ],
)
def test_ago_rounds_down_to_the_unit_that_reads_best(elapsed: timedelta, said: str):
    assert ago(NOW - elapsed, NOW) == said


def test_freshness_line_for_digests():
    assert freshness_line(NOW - timedelta(minutes=12), NOW) == "orders synced 12 min ago"
    assert freshness_line(None, NOW) == "orders never synced"


def test_sync_status_blocks_escape_and_clip_a_long_upstream_error():
    state = SyncState(
        name="upstream",
        consecutive_failures=5,
        last_error="<html>" + "x" * 5000,
        last_error_at=NOW,
    )
    plan = SyncPlan("https://erp.example.com/api/orders", timedelta(minutes=15))

    blocks = [block.to_dict() for block in build_sync_status(SyncStatus(plan, state), NOW, UTC)]

    text = blocks[0]["text"]["text"]
    assert "&lt;html&gt;" in text
    assert len(text) < 3000
    checked_message({"text": "status", "blocks": blocks})
