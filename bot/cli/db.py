"""`backlog-bot db upgrade`: database maintenance."""

from __future__ import annotations

import asyncio

import click

from bot.cli.common import load_settings


@click.group("db")
def db_command() -> None:
    """Database maintenance."""


@db_command.command("upgrade")
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
