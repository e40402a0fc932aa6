"""`backlog-bot run`: check the settings, then serve (bot.cli.serve)."""

from __future__ import annotations

import asyncio
import sys

import click

from bot.cli.common import load_settings
from bot.settings import README_SETUP_HINT


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=3000, show_default=True, type=int, help="HTTP port.")
def run_command(host: str, port: int) -> None:
    """Migrate the database, start the scheduler and serve Slack (HTTP or Socket Mode)."""
    from bot.cli.serve import serve  # the serving stack loads only when it is needed

    settings = load_settings()
    missing = settings.missing_for_run()
    if missing:
        click.echo(f"backlog-bot: missing {', '.join(missing)} ({README_SETUP_HINT})", err=True)
        sys.exit(2)
    asyncio.run(serve(settings, host, port))
