"""`backlog-bot run`: check the settings and the database, then serve (bot.cli.serve)."""

from __future__ import annotations

import asyncio
import sys
from contextlib import ExitStack

import click

from bot.cli.common import fail, open_database, read_settings
from bot.settings import README_SETUP_HINT

EXIT_USAGE = 2


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=3000, show_default=True, type=int, help="HTTP port.")
def run_command(host: str, port: int) -> None:
    """Migrate the database, start the scheduler and serve Slack (HTTP or Socket Mode)."""
    from bot.cli.serve import serve  # the serving stack loads only when it is needed
    from bot.cli.slack_check import StartupProblem

    settings = read_settings()
    missing = settings.missing_for_run()
    if missing:
        click.echo(f"backlog-bot: missing {', '.join(missing)} ({README_SETUP_HINT})", err=True)
        sys.exit(EXIT_USAGE)
    for name in settings.placeholders_for_run():
        click.echo(
            f"backlog-bot: {name} is not a real value (still the example, or not shaped like"
            f" one): paste it from the Slack app's settings ({README_SETUP_HINT})",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    settings = open_database(settings)
    with ExitStack() as stack:
        _hold_sqlite_file(stack, settings.database_url)
        try:
            asyncio.run(serve(settings, host, port))
        except StartupProblem as exc:
            fail(str(exc))


def _hold_sqlite_file(stack: ExitStack, database_url: str) -> None:
    """One process per SQLite file (README, 'Running several processes')."""
    from storage.core.connect import parse_url, sqlite_path
    from storage.core.sqlite_files import FileInUse, run_lock

    path = sqlite_path(parse_url(database_url))
    if path is None:
        return
    try:
        stack.enter_context(run_lock(path))
    except FileInUse as exc:
        fail(
            f"another backlog-bot run (pid {exc}) is serving {path}; SQLite is for one process:"
            " stop that one first, or use PostgreSQL to run several"
        )
