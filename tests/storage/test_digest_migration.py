"""Migration 0005 on both databases: goes down and up again, keeping subscriptions and runs."""

from __future__ import annotations

from sqlalchemy import text

from bot.bootstrap.container import Services
from storage.core.migrate import current_revision
from tests.kit.migrations import HEAD, differences, downgrade


async def test_migration_0005_goes_down_and_up_keeping_runs_and_allowing_skipped(
    empty: Services,
):
    await empty.migrate()
    async with empty.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO digest_subscriptions (channel_id, created_by, days, times, zone,"
                " filters, kinds, min_age_days, max_rows, grouping, skip_when_empty,"
                " only_changes, paused, grace_minutes, created_at, updated_at) VALUES"
                " ('C1', 'U1', 'daily', '09:00', 'UTC', '{}', '[]', 0, 200, 'owner', false,"
                " false, false, 60, '2026-11-24 09:00:00', '2026-11-24 09:00:00')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO digest_runs (subscription_id, slot_key, scheduled_at, status,"
                " claimed_by, claimed_at, attempts) VALUES (1, '2026-11-24T09:00',"
                " '2026-11-24 09:00:00', 'skipped', 'h:1', '2026-11-24 09:00:00', 1)"
            )
        )

    await downgrade(empty, "0008")
    before_0005 = await current_revision(empty.engine)
    await empty.migrate()

    assert before_0005 == "0008"
    assert await current_revision(empty.engine) == HEAD
    assert await differences(empty) == []
    async with empty.engine.connect() as conn:
        runs = (await conn.execute(text("SELECT status, parts_posted FROM digest_runs"))).all()
        subs = (await conn.execute(text("SELECT stale_after_days FROM digest_subscriptions"))).all()
    assert [tuple(r) for r in runs] == [("posted", 0)]
    assert [tuple(s) for s in subs] == [(5,)]
