"""The `backlog-bot` command line: run, import, digest, db.

Only click loads up front: each command's module (and with it pydantic, SQLAlchemy, Bolt)
is imported when that command runs, so `--help` and `--version` answer at once.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# name -> (module:attribute, the line `--help` shows for it)
_COMMANDS = {
    "run": ("bot.cli.run:run_command", "Migrate the database, start the jobs and serve Slack."),
    "import": ("bot.cli.imports:import_command", "Import orders from a CSV file."),
    "db": ("bot.cli.db:db_command", "Database maintenance: upgrade, current, backup."),
    "digest": ("bot.cli.digest:digest_command", "Scheduled digests: list, preview, send."),
    "sandbox": (
        "bot.cli.sandbox:sandbox_command",
        "Try the bot in a local page that acts like Slack.",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use; their help lines are listed here."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module, _, attribute = _COMMANDS[cmd_name][0].partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, line) for name, (_, line) in _COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> Any:
        from bot.cli.common import database_failure

        try:
            return super().invoke(ctx)
        except Exception as exc:
            # A database that fails mid-command (PostgreSQL restarted, disk full): one line.
            problem = database_failure(exc)
            if problem is None:
                raise
            raise click.ClickException(problem) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="backlog-bot", prog_name="backlog-bot")
def main() -> None:
    """Backlog Bot: lagging orders in Slack."""
