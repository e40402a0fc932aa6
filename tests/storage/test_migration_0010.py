"""Migration 0010 (Slack event receipts) goes down and up again on both databases."""

from __future__ import annotations

from sqlalchemy import text

from bot.bootstrap.container import Services
from storage.core.migrate import current_revision
from tests.kit.migrations import HEAD, differences, downgrade


async def test_migration_0010_goes_down_and_up_again(empty: Services):
    await empty.migrate()
    await empty.event_receipts.first_delivery("Ev1", "app_home_opened")

    await downgrade(empty, "0005")
    async with empty.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(c.dialect.get_table_names(c)))
    await empty.migrate()

    assert "slack_event_receipts" not in tables
    assert await current_revision(empty.engine) == HEAD
    assert await differences(empty) == []
    async with empty.engine.connect() as conn:
        count = text("SELECT count(*) FROM slack_event_receipts")
        assert (await conn.execute(count)).scalar_one() == 0
