"""Storage fixtures: an empty (unmigrated) database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.bootstrap.container import Services, build_services
from storage.core.engine import create_engine
from tests.conftest import POSTGRES_URL, Database


@pytest.fixture
async def empty(database: Database) -> AsyncIterator[Services]:
    """Services on a database no migration has touched (a schema of its own on PostgreSQL)."""
    if database.schema is None:
        services = build_services(database.url)
        yield services
        await services.close()
        return
    schema = f"test_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
    services = build_services(POSTGRES_URL, schema=schema)
    yield services
    await services.close()
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    await admin.dispose()
