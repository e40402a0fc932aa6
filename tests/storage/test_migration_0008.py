"""Migration 0008 (idempotency keys, sync state) goes down and up again on both databases."""

from __future__ import annotations

from sqlalchemy import text

from bot.bootstrap.container import Services
from storage.core.migrate import current_revision
from tests.kit.migrations import HEAD, differences, downgrade


async def test_migration_0008_goes_down_and_up_again(empty: Services):
    await empty.migrate()
    await empty.sync.run_once()  # not configured: nothing to write, the tables just exist

    await downgrade(empty, "0007")
    async with empty.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(c.dialect.get_table_names(c)))
    await empty.migrate()

    assert not {"api_idempotency_keys", "sync_state"} & tables
    assert await current_revision(empty.engine) == HEAD
    assert await differences(empty) == []
    async with empty.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM sync_state"))).scalar_one() == 0
