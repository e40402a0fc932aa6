"""Migrations on both databases: the head matches the models, and 0002 goes down and up."""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlmodel import SQLModel

from bot.bootstrap.container import Services
from storage.core.migrate import current_revision
from tests.kit.migrations import HEAD, differences, downgrade


async def index_names(services: Services) -> set[str]:
    def names(connection: Connection) -> set[str]:
        if connection.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'index'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        return set(connection.execute(text(query)).scalars())

    async with services.engine.connect() as conn:
        return await conn.run_sync(names)


def declared_indexes() -> set[str]:
    return {
        str(index.name) for table in SQLModel.metadata.tables.values() for index in table.indexes
    }


async def test_migrations_head_matches_the_models(empty: Services):
    await empty.migrate()

    assert await current_revision(empty.engine) == HEAD
    assert await differences(empty) == []
    assert declared_indexes() <= await index_names(empty)


async def test_migration_0002_goes_down_and_up_again_keeping_orders(empty: Services):
    await empty.migrate()
    await seed_one_order(empty)

    await downgrade(empty, "0001")
    at_0001 = await current_revision(empty.engine)
    await empty.migrate()

    assert at_0001 == "0001"
    assert await current_revision(empty.engine) == HEAD
    assert await differences(empty) == []
    async with empty.engine.connect() as conn:
        orders = (await conn.execute(text("SELECT external_id, thread_ts FROM orders"))).all()
    assert [tuple(row) for row in orders] == [("SO-1", None)]


async def seed_one_order(services: Services) -> None:
    from tests.services.conftest import make_order

    order = await make_order(services)
    await services.actions.record_thread("SO-1", "C0123", "1764000000.000100")
    await services.actions.request_expedite(
        "SO-1", "urgent", actor="U0REP1", expected_version=order.version
    )


async def test_migration_0007_goes_down_and_up_keeping_lagging_digest_subscriptions(
    empty: Services,
):
    await empty.migrate()
    async with empty.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO digest_subscriptions (channel_id, created_by, days, times, zone,"
                " filters, kinds, min_age_days, max_rows, grouping, skip_when_empty,"
                " only_changes, paused, grace_minutes, created_at, updated_at) VALUES"
                " ('C0DIGEST', 'U0LEAD1', 'mon-fri', '09:00', 'UTC', '{}', '[]', 0, 200,"
                " 'owner', false, false, false, 60, '2026-11-24 09:00:00', '2026-11-24 09:00:00')"
            )
        )

    await downgrade(empty, "0006")
    before_0007 = await current_revision(empty.engine)
    await empty.migrate()

    assert before_0007 == "0006"
    assert await differences(empty) == []
    async with empty.engine.connect() as conn:
        kinds = (
            await conn.execute(text("SELECT channel_id, kind FROM digest_subscriptions"))
        ).all()
    assert [tuple(row) for row in kinds] == [("C0DIGEST", "lagging")]
