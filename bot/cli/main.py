"""The `backlog-bot` command line: run, import, db upgrade."""

from __future__ import annotations

import asyncio
import sys

import click
from pydantic import ValidationError

from bot.cli.digest import digest_command
from bot.cli.imports import import_command
from bot.settings import README_SETUP_HINT, Settings


def load_settings() -> Settings:
    """Settings from the environment, or one clear line and exit 2."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors()
        )
        raise click.ClickException(f"invalid settings: {problems}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Backlog Bot: lagging orders in Slack."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=3000, show_default=True, type=int, help="HTTP port.")
def run(host: str, port: int) -> None:
    """Migrate the database, start the scheduler and serve Slack (HTTP or Socket Mode)."""
    from bot.cli.run import serve

    settings = load_settings()
    missing = settings.missing_for_run()
    if missing:
        click.echo(f"backlog-bot: missing {', '.join(missing)} ({README_SETUP_HINT})", err=True)
        sys.exit(2)
    asyncio.run(serve(settings, host, port))


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    from bot.bootstrap.from_settings import services_from

    settings = load_settings()

    async def upgrade() -> None:
        services = services_from(settings)
        try:
            await services.migrate()
        finally:
            await services.close()

    asyncio.run(upgrade())
    click.echo("database is up to date")


main.add_command(import_command)
main.add_command(digest_command)
