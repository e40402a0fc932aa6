"""The health check says "the database is unreachable", never merely "slow" (PostgreSQL only:
slowness and silence are a network database's; SQLite is a file in the process)."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest

from bot.bootstrap.container import Services, build_services
from bot.services.core.health import HealthService
from tests.conftest import POSTGRES_URL, Database
from tests.kit.slow_link import SlowLink


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Database:
    return Database("postgresql", POSTGRES_URL, request.getfixturevalue("postgres_schema"))


@pytest.fixture
async def link() -> AsyncIterator[SlowLink]:
    target = urlsplit(POSTGRES_URL)
    async with SlowLink(target.hostname or "127.0.0.1", target.port or 5432).running() as relay:
        yield relay


@pytest.fixture
async def through_link(link: SlowLink, database: Database) -> AsyncIterator[Services]:
    """Services whose database connections all pass through `link`."""
    url = urlsplit(POSTGRES_URL)._replace(netloc=f"postgres@127.0.0.1:{link.port}").geturl()
    built = build_services(url, schema=database.schema)
    yield built
    await built.close()


async def test_health_of_a_slow_but_answering_database_is_ok(
    through_link: Services, link: SlowLink
):
    assert (await through_link.health.check()).ok  # a pooled connection, as in production
    link.delay = 0.6  # a CPU spike: every answer from the database comes 0.6 s late

    started = time.monotonic()
    health = await through_link.health.check()

    assert time.monotonic() - started > 2  # longer than the old fixed timeout
    assert health.ok and health.database == "ok"


async def test_health_of_a_database_that_never_answers_is_unavailable_and_logs_no_stray_error(
    through_link: Services, link: SlowLink, caplog: pytest.LogCaptureFixture
):
    health = HealthService(through_link.sessions, timeout=0.5)
    assert (await health.check()).ok
    link.hold()

    with caplog.at_level(logging.ERROR):
        result = await health.check()
        link.release()
        await through_link.engine.dispose()
        gc.collect()

    assert [r.getMessage() for r in caplog.records] == []
    assert not result.ok
    assert result.database == "unreachable: no answer within 0.5 s", result.database
