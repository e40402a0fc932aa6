"""Storage on both databases: UTC round trips, the append-only log, migrations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from bot.bootstrap.container import Services, build_services
from storage.core.migrate import alembic_config, current_revision
from storage.orders.tables import EventKind, EventSource, Order, OrderEvent, OrderStatus
from tests.kit.common import NOW, make_order


async def test_datetimes_round_trip_as_aware_utc(services: Services):
    plus_five = timezone(timedelta(hours=5))
    async with services.sessions() as session:
        session.add(make_order(ordered_at=datetime(2026, 11, 24, 14, 0, tzinfo=plus_five)))
        await session.commit()

    async with services.sessions() as session:
        order = (await session.execute(select(Order))).scalar_one()

    assert order.ordered_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert order.ordered_at.tzinfo is UTC


async def test_naive_datetimes_are_refused(services: Services):
    async with services.sessions() as session:
        session.add(make_order(ordered_at=datetime(2026, 11, 24, 9, 0)))

        with pytest.raises(StatementError, match="naive datetime"):
            await session.commit()


async def test_external_order_id_is_unique(services: Services):
    async with services.sessions() as session:
        session.add_all([make_order(), make_order()])

        with pytest.raises(IntegrityError):
            await session.commit()


async def test_status_outside_the_list_is_refused_by_the_database(services: Services):
    async with services.sessions() as session:
        session.add(make_order(status="lost"))

        with pytest.raises(IntegrityError):
            await session.commit()


async def test_order_events_are_append_only(services: Services):
    async with services.sessions() as session:
        order = make_order(status=OrderStatus.RECEIVED)
        session.add(order)
        await session.flush()
        session.add(
            OrderEvent(
                order_id=order.id or 0,
                at=NOW,
                actor="U1",
                source=EventSource.SLACK,
                kind=EventKind.CREATED,
            )
        )
        await session.commit()

    for statement in ("UPDATE order_events SET actor = 'U2'", "DELETE FROM order_events"):
        async with services.sessions() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                await session.execute(text(statement))


async def test_migrations_are_at_head_and_rerun_safely(services: Services):
    await services.migrate()

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert await current_revision(services.engine) == head


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path):
    services = build_services(f"sqlite:///{tmp_path / 'wal.db'}")

    async with services.engine.connect() as conn:
        journal = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
        foreign_keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
    await services.close()

    assert (journal, foreign_keys) == ("wal", 1)
