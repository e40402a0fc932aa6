"""Async engine and sessions for SQLite (WAL, foreign keys) and PostgreSQL from one URL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.core.pool import PoolBudget

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_ALIASES = {"postgres": "postgresql"}


class UnsupportedDatabase(ValueError):
    """DATABASE_URL names a database this bot does not run on."""


def normalise_url(raw: str) -> URL:
    """Accept `sqlite:///x.db`, `postgres://...` and friends; return the async driver's URL."""
    url = make_url(raw)
    backend = _ALIASES.get(url.get_backend_name(), url.get_backend_name())
    if backend not in _ASYNC_DRIVERS:
        raise UnsupportedDatabase(
            f"DATABASE_URL uses {backend!r}; use sqlite:///path.db or postgresql://user@host/db"
        )
    return url.set(drivername=_ASYNC_DRIVERS[backend])


def create_engine(
    raw_url: str,
    *,
    schema: str | None = None,
    application_name: str | None = None,
    pool: PoolBudget | None = None,
    **kwargs: Any,
) -> AsyncEngine:
    """Build the async engine; `schema` pins PostgreSQL's search_path (tests use one per run),
    `application_name` names its connections in pg_stat_activity, `pool` sizes the ORM
    engine's share of the process's connections (PostgreSQL)."""
    url = normalise_url(raw_url)
    if url.get_backend_name() == "sqlite":
        # Every session ends its transaction (commit or rollback on close), so the pool's own
        # extra rollback on check-in is a wasted trip to SQLite's worker thread (~0.3 ms).
        kwargs.setdefault("pool_reset_on_return", None)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
        return engine
    settings = {"search_path": schema} if schema else {}
    if application_name:
        settings["application_name"] = application_name
    connect_args: dict[str, Any] = {"server_settings": settings} if settings else {}
    kwargs.setdefault("pool_pre_ping", True)
    if pool is not None:
        kwargs = pool.engine_options(pool.main) | kwargs
    return create_async_engine(url, connect_args=connect_args, **kwargs)


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the digest and slash commands read while an import writes; foreign keys are off
    # by default in SQLite; busy_timeout makes a second writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "busy_timeout=30000",
        "synchronous=NORMAL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (services return them to listeners)."""
    return async_sessionmaker(engine, expire_on_commit=False)
