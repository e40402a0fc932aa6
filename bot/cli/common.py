"""What every command shares: settings from the environment, the database they name, checked,
and one clear line (never a traceback) when either is wrong."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

import click
from pydantic import ValidationError

from bot.settings import Settings

EXIT_FAILED = 1


def read_settings() -> Settings:
    """Settings from the environment, or one clear line and exit 1."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors()
        )
        raise click.ClickException(f"invalid settings: {problems}") from None


def load_settings() -> Settings:
    """Settings for a command that opens the database: says which database on the first line
    (stderr), checks that it answers, or exits 1 with one line saying why not.

    A command run with `--dry-run` never creates or migrates a SQLite file: when the file is
    missing or behind, it works on a scratch copy that is deleted afterwards."""
    return open_database(read_settings())


def open_database(settings: Settings) -> Settings:
    """Announce and probe the database `settings` name (see load_settings)."""
    from storage.core.connect import DatabaseProblem, describe, parse_url, probe

    try:
        url = parse_url(settings.database_url)
    except DatabaseProblem as exc:
        fail(str(exc))
    name = describe(url, settings.database_schema)
    try:
        asyncio.run(probe(url, settings.database_schema))  # creates no file
        if _dry_run():
            settings, note = asyncio.run(_dry_run_database(settings))
            name += note
    except DatabaseProblem as exc:
        _announce(settings, f"database: {name}")
        fail(str(exc))
    _announce(settings, f"database: {name}")
    return settings


def _announce(settings: Settings, line: str) -> None:
    """A line on stderr, as a JSON object when the logs are JSON (LOG_FORMAT=json)."""
    if settings.log_format == "json":
        line = json.dumps({"level": "INFO", "logger": "bot.cli", "message": line})
    click.echo(line, err=True)


def fail(message: str) -> NoReturn:
    """One line on stderr, exit 1."""
    click.echo(f"backlog-bot: {message}", err=True)
    sys.exit(EXIT_FAILED)


def database_failure(exc: BaseException) -> str | None:
    """One line for a database error that surfaced mid-command; None for any other error."""
    if "sqlalchemy" not in sys.modules:
        return None
    from storage.core.connect import explain, from_database

    return explain(exc) if from_database(exc) else None


def _dry_run() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and context.params.get("dry_run"))


async def _dry_run_database(settings: Settings) -> tuple[Settings, str]:
    """The database a dry run may use as it likes, and a note saying which it is."""
    from storage.core.connect import DatabaseProblem, parse_url, sqlite_path
    from storage.core.engine import create_engine
    from storage.core.migrate import status
    from storage.core.sqlite_files import backup

    path = sqlite_path(parse_url(settings.database_url))
    if path is not None and not path.exists():
        note = " (no such file yet: the dry run uses an empty scratch copy)"
        return _scratch(settings), note
    engine = create_engine(settings.database_url, schema=settings.database_schema)
    try:
        pending = (await status(engine)).pending
    finally:
        await engine.dispose()
    if not pending:
        return settings, ""
    if path is None:
        raise DatabaseProblem(
            f"the database needs {len(pending)} migration(s) first (backlog-bot db upgrade);"
            " a dry run migrates nothing"
        )
    copy = _scratch(settings)
    backup(path, Path(copy.database_url.removeprefix("sqlite:///")))
    return copy, f" ({len(pending)} migration(s) behind: the dry run uses a migrated scratch copy)"


def _scratch(settings: Settings) -> Settings:
    folder = tempfile.TemporaryDirectory(prefix="backlog-dry-run-")
    context = click.get_current_context()
    context.call_on_close(folder.cleanup)
    return settings.model_copy(update={"database_url": f"sqlite:///{folder.name}/scratch.db"})
