"""Fixtures: every storage test runs on SQLite and on PostgreSQL; Slack is a fake on loopback."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.blocks.kit import wire
from bot.bootstrap.container import Services, build_services
from bot.sandbox.signing import SIGNING_SECRET, SlackRequests
from bot.sandbox.web_api import FakeSlack
from storage.core.engine import create_engine
from tests.kit.common import FixedClock

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
_ENV_THAT_CHANGES_BOLT = (
    "SLACK_CLIENT_ID",  # switches Bolt to OAuth
    "SLACK_CLIENT_SECRET",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
)


@pytest.fixture(scope="session", autouse=True)
def _clean_environment() -> Iterator[None]:
    saved = {name: os.environ.pop(name) for name in _ENV_THAT_CHANGES_BOLT if name in os.environ}
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session", autouse=True)
def _wire_checked() -> Iterator[None]:
    """Every Block Kit payload sent through `to_wire` is also validated and compared with
    slack_sdk's own serialisation."""
    wire.CHECKED = True
    yield
    wire.CHECKED = False


def _postgres_problem() -> str | None:
    async def probe() -> None:
        engine = create_engine(POSTGRES_URL)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        finally:
            await engine.dispose()

    try:
        asyncio.run(asyncio.wait_for(probe(), 5))
    except Exception as exc:  # any failure to connect means: skip, and say why
        return f"PostgreSQL unreachable at {POSTGRES_URL}: {type(exc).__name__}: {exc}"
    return None


_PG_PROBLEM = _postgres_problem()
if _PG_PROBLEM and os.environ.get("BACKLOG_REQUIRE_POSTGRES") == "1":
    raise RuntimeError(f"{_PG_PROBLEM} (BACKLOG_REQUIRE_POSTGRES=1)")


def pytest_report_header() -> list[str]:
    return [f"postgresql: {_PG_PROBLEM or 'reachable at ' + POSTGRES_URL}"]


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    # A private loop in its own thread: a session fixture may be set up while the test loop
    # runs (requested through getfixturevalue from an async fixture), where asyncio.run refuses.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """One fresh schema per test run, migrated once, dropped at the end."""
    if _PG_PROBLEM:
        pytest.skip(_PG_PROBLEM)
    schema = f"test_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        admin = create_engine(POSTGRES_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f"CREATE SCHEMA {schema}"))
        await admin.dispose()
        services = build_services(POSTGRES_URL, schema=schema)
        await services.migrate()
        await services.close()

    async def drop() -> None:
        admin = create_engine(POSTGRES_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()

    _run(create())
    yield schema
    _run(drop())


@dataclass(frozen=True)
class Database:
    """Where a test's database lives."""

    backend: str
    url: str
    schema: str | None = None


def sqlite_database(folder: Path) -> Database:
    """A SQLite database file in `folder` (created on first use)."""
    return Database("sqlite", f"sqlite:///{folder / 'backlog.db'}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """Each storage test runs once per backend."""
    if request.param == "sqlite":
        return sqlite_database(tmp_path)
    return Database("postgresql", POSTGRES_URL, request.getfixturevalue("postgres_schema"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database migrated once per run: each test starts from a copy, which
    costs a file copy instead of a migration (about 0.3 s of CPU each)."""
    path = tmp_path_factory.mktemp("template") / "backlog.db"

    async def create() -> None:
        services = build_services(f"sqlite:///{path}")
        await services.migrate()
        await services.close()  # the last connection checkpoints the WAL into the file

    _run(create())
    return path


@pytest.fixture
async def services(
    database: Database, clock: FixedClock, sqlite_template: Path
) -> AsyncIterator[Services]:
    """Migrated services on an empty database."""
    if database.schema is None:
        shutil.copyfile(sqlite_template, database.url.removeprefix("sqlite:///"))
    built = build_services(database.url, clock=clock, schema=database.schema)
    if database.schema is not None:
        async with built.engine.begin() as conn:
            # TRUNCATE skips the row triggers that keep order_events append-only.
            await conn.execute(
                text(
                    "TRUNCATE alerts, feedback_tags, feedback, api_idempotency_keys, sync_state,"
                    " slack_event_receipts, digest_runs, digest_subscriptions, expedite_requests,"
                    " order_events, orders RESTART IDENTITY CASCADE"
                )
            )
    yield built
    await built.close()


@pytest.fixture
async def empty_schema() -> AsyncIterator[Database]:
    """A PostgreSQL schema no migration has touched, dropped afterwards (tests of several
    real processes: they migrate it themselves)."""
    if _PG_PROBLEM:
        pytest.skip(_PG_PROBLEM)
    schema = f"test_scale_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield Database("postgresql", POSTGRES_URL, schema)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    await admin.dispose()


@pytest.fixture
async def reader(empty_schema: Database) -> AsyncIterator[Services]:
    """The test's own view of the database the processes share (not migrated by itself)."""
    services = build_services(empty_schema.url, schema=empty_schema.schema)
    yield services
    await services.close()


# slack_sdk reads proxies from the environment and would send loopback calls through them.
_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@pytest.fixture
async def fake_slack(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeSlack]:
    """A started fake Slack Web API, stopped after the test."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def slack_requests(fake_slack: FakeSlack) -> SlackRequests:
    """Signed Slack requests whose response_url points at `fake_slack`."""
    return SlackRequests(SIGNING_SECRET, response_url_base=fake_slack.response_url_base)
