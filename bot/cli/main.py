"""The `backlog-bot` command line: run, import, digest, db."""

from __future__ import annotations

import click

from bot.cli.db import db_command
from bot.cli.digest import digest_command
from bot.cli.imports import import_command
from bot.cli.run import run_command
from bot.cli.sandbox import sandbox_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Backlog Bot: lagging orders in Slack."""


main.add_command(run_command)
main.add_command(import_command)
main.add_command(db_command)
main.add_command(digest_command)
main.add_command(sandbox_command)
