"""`backlog-bot sandbox`: the real bot behind a local page that behaves like Slack."""

from __future__ import annotations

import asyncio

import click

DEFAULT_DATABASE = "sqlite:///./sandbox.db"


@click.command("sandbox")
@click.option("--demo", is_flag=True, help="Fill the database with a generated backlog first.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=3000, show_default=True, type=int, help="HTTP port.")
@click.option(
    "--database", default=DEFAULT_DATABASE, show_default=True, help="Database URL of the sandbox."
)
def sandbox_command(demo: bool, host: str, port: int, database: str) -> None:
    """Try the bot without a Slack workspace: a local page that acts like Slack; nothing
    reaches Slack. An empty database gets the demo backlog."""
    from bot.cli.sandbox_serve import serve_sandbox  # the serving stack loads only when needed

    asyncio.run(serve_sandbox(host, port, database, demo=demo))
