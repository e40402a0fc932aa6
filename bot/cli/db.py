"""`backlog-bot db upgrade|current|backup`: database maintenance."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import click

from bot.cli.common import fail, load_settings


@click.group("db")
def db_command() -> None:
    """Database maintenance: upgrade, current, backup."""


@db_command.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (each step is named on stderr)."""
    from bot.bootstrap.from_settings import services_from

    settings = load_settings()
    logging.basicConfig(format="%(message)s")
    logging.getLogger("storage.migrate").setLevel(logging.INFO)

    async def upgrade() -> None:
        services = services_from(settings)
        try:
            await services.migrate()
        finally:
            await services.close()

    asyncio.run(upgrade())
    click.echo("database is up to date")


@db_command.command("current")
def db_current() -> None:
    """Show the schema's migration step and the migrations still pending."""
    from storage.core.connect import parse_url, sqlite_path
    from storage.core.engine import create_engine
    from storage.core.migrate import status, status_of

    settings = load_settings()
    path = sqlite_path(parse_url(settings.database_url))

    async def read() -> None:
        if path is not None and not path.exists():
            found = status_of(None)  # reading it would create the file
        else:
            engine = create_engine(settings.database_url, schema=settings.database_schema)
            try:
                found = await status(engine)
            finally:
                await engine.dispose()
        if found.unknown_revision:
            fail(
                f"the database is at revision {found.unknown_revision}, which this version of"
                " the bot does not know (a newer bot migrated it); upgrade the bot"
            )
        current = found.current.describe() if found.current else "empty (no schema)"
        click.echo(f"current: {current}")
        if not found.pending:
            click.echo("pending: none, the schema is up to date")
            return
        click.echo(f"pending: {len(found.pending)} (backlog-bot db upgrade applies them)")
        for step in found.pending:
            click.echo(f"  {step.describe()}")

    asyncio.run(read())


@db_command.command("backup")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def db_backup(file: Path) -> None:
    """Copy the SQLite database to FILE, safely while the bot runs (PostgreSQL: pg_dump)."""
    from storage.core.connect import parse_url, sqlite_path
    from storage.core.sqlite_files import backup

    settings = load_settings()
    source = sqlite_path(parse_url(settings.database_url))
    if source is None:
        fail(
            "db backup copies SQLite files; back up PostgreSQL with pg_dump, e.g."
            ' pg_dump --format=custom --file=backlog.dump "$DATABASE_URL"'
            " (README, section 'Backups')"
        )
    if not source.exists():
        fail(f"no database at {source} yet: nothing to back up")
    if file.exists():
        fail(f"{file} exists already; name a new file (a backup never overwrites one)")
    if not file.parent.is_dir():
        fail(f"folder {file.parent} does not exist; create it first")
    result = backup(source, file)
    size = result.size / 1_048_576
    click.echo(f"backed up {source} to {file}: {result.orders} orders, {size:.1f} MiB")
