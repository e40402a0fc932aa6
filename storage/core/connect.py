"""Which database DATABASE_URL names, whether it answers, and one line saying why not."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError

from storage.core.engine import UnsupportedDatabase, create_engine, normalise_url

CONNECT_TIMEOUT_SECONDS = 10
_URL_SHAPES = "sqlite:///path/to/backlog.db or postgresql://user:password@host:5432/dbname"


class DatabaseProblem(Exception):
    """The database cannot be used; the message says which and what to do."""


def parse_url(raw: str) -> URL:
    """The async driver's URL, or DatabaseProblem for a malformed or unsupported one."""
    try:
        return normalise_url(raw)
    except UnsupportedDatabase as exc:
        raise DatabaseProblem(str(exc)) from None
    except (ArgumentError, ValueError):
        # The raw value may hold a password: name only what comes before "://".
        scheme = raw.partition("://")[0] if "://" in raw else raw[:0]
        shown = f" (it starts with {scheme!r})" if scheme else ""
        problem = f"DATABASE_URL is not a database URL{shown}; use {_URL_SHAPES}"
        raise DatabaseProblem(problem) from None


def describe(url: URL, schema: str | None = None) -> str:
    """`sqlite ./backlog.db` or `postgresql db.example.com/backlog`: never the password."""
    if url.get_backend_name() == "sqlite":
        return f"sqlite {url.database}"
    where = f"{url.host or 'localhost'}{f':{url.port}' if url.port else ''}/{url.database or ''}"
    return f"postgresql {where}" + (f" (schema {schema})" if schema else "")


def sqlite_path(url: URL) -> Path | None:
    """The SQLite file a URL names; None for PostgreSQL."""
    return Path(url.database or "") if url.get_backend_name() == "sqlite" else None


async def probe(url: URL, schema: str | None = None) -> None:
    """Connect once and run a trivial query; DatabaseProblem says what went wrong."""
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite_path(path)
        if not path.exists():
            return  # created by the first migration; a check must not leave an empty file
    engine = create_engine(url.render_as_string(hide_password=False), schema=schema)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            if schema and url.get_backend_name() == "postgresql":
                await _check_schema(conn, schema)
    except TimeoutError:
        raise DatabaseProblem(
            f"{describe(url)} did not answer within {CONNECT_TIMEOUT_SECONDS} s;"
            " check DATABASE_URL's host and port and the network"
        ) from None
    except Exception as exc:
        problem = explain(exc, url)
        if problem is None:
            raise
        raise DatabaseProblem(problem) from None
    finally:
        await engine.dispose()


async def _check_schema(conn: object, schema: str) -> None:
    found = await conn.scalar(  # type: ignore[attr-defined]
        text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"), {"s": schema}
    )
    if found is None:
        raise DatabaseProblem(
            f"DATABASE_SCHEMA {schema!r} does not exist: create it (CREATE SCHEMA {schema})"
            " or leave DATABASE_SCHEMA empty to use public"
        )


def _check_sqlite_path(path: Path) -> None:
    where = f"SQLite database {path}"
    if str(path) in ("", ":memory:"):
        raise DatabaseProblem(
            "an in-memory SQLite database vanishes when the command ends; "
            "give DATABASE_URL a file: sqlite:///./backlog.db"
        )
    if path.is_dir():
        raise DatabaseProblem(
            f"{where} is a folder; name a file in it: sqlite:///{path}/backlog.db"
        )
    folder = path.parent
    if not folder.is_dir():
        raise DatabaseProblem(f"cannot open {where}: folder {folder} does not exist; create it")
    if not path.exists() and not os.access(folder, os.W_OK):
        raise DatabaseProblem(f"cannot create {where}: folder {folder} is not writable")
    if path.exists():
        with path.open("rb") as file:
            header = file.read(16)
        if header and header != b"SQLite format 3\x00":
            raise DatabaseProblem(f"{path} is not a SQLite database; check DATABASE_URL")


def from_database(exc: BaseException) -> bool:
    """Whether an error came from the database driver (not, say, a missing CSV file)."""
    if isinstance(exc, DBAPIError):
        return True
    frame = exc.__traceback__
    while frame is not None:
        if "asyncpg" in frame.tb_frame.f_code.co_filename:
            return True
        frame = frame.tb_next
    return False


def explain(exc: BaseException, url: URL | None = None) -> str | None:
    """One line for a failure to reach or use the database; None when it is something else."""
    import asyncpg

    where = describe(url) if url is not None else "the database"
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    cause = getattr(cause, "__cause__", None) or cause  # the driver's own error under the adapter
    if isinstance(
        cause, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        user = url.username if url is not None else None
        return f"{where} refused user {user!r} ({cause}); check DATABASE_URL's user and password"
    if isinstance(cause, asyncpg.InvalidCatalogNameError):
        name = url.database if url is not None else ""
        return f"{where}: {cause}; create it (createdb {name}) or fix DATABASE_URL"
    if isinstance(cause, socket.gaierror):
        host = url.host if url is not None else "?"
        return f"cannot reach {where}: unknown host {host!r}; check DATABASE_URL"
    if isinstance(cause, ConnectionError | OSError | asyncpg.PostgresConnectionError):
        reason = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
        return (
            f"cannot reach {where} ({reason});"
            " is it running, and are DATABASE_URL's host and port right?"
        )
    if isinstance(exc, DBAPIError) and url is not None and url.get_backend_name() == "sqlite":
        return f"cannot use {where}: {cause}"
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return f"lost the connection to {where}: {cause}"
    if isinstance(exc, OperationalError | InterfaceError):
        # The database's own trouble (locked, disk full, shut down), not a bug in a query.
        return f"{where} failed: {cause}"
    return None
