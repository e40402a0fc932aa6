"""Serve the sandbox: the fake Web API on loopback, the bot exactly as `run` serves it, and
the sandbox's page in front of the bot's routes."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import click
from starlette.applications import Starlette
from starlette.types import ASGIApp

from bot.bootstrap.container import Services
from bot.bootstrap.from_settings import services_from
from bot.cli.serve import serve
from bot.sandbox.bridge import Bridge
from bot.sandbox.demo import is_empty, seed_demo
from bot.sandbox.people import PEOPLE, names, team_channels_setting
from bot.sandbox.server import sandbox_web
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from bot.sandbox.workspace import Workspace
from bot.settings import Settings


def sandbox_settings(fake: FakeSlack, database: str, signing_secret: str) -> Settings:
    """The bot's settings in the sandbox: the fake Web API, one person per role, no .env."""
    admins = [p.user_id for p in PEOPLE if p.role == "admin"]
    viewers = [p.user_id for p in PEOPLE if p.role == "viewer"]
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": "xoxb-sandbox",
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_APP_TOKEN": None,
        "SLACK_API_URL": fake.base_url,
        "DATABASE_URL": database,
        "BACKLOG_ADMINS": ",".join(admins),
        "BACKLOG_VIEWERS": ",".join(viewers),
        "TEAM_CHANNELS": team_channels_setting(),
        "LOG_LEVEL": "WARNING",
        "DIGEST_SWEEP_SECONDS": "5",  # digests added on the page are picked up at once
    }
    return Settings(_env_file=None, **values)


async def serve_sandbox(host: str, port: int, database: str, *, demo: bool) -> None:
    """Run until Ctrl-C."""
    fake = FakeSlack(team_domain="backlog-sandbox", people=names(), one_use_triggers=True)
    async with fake:
        secret = secrets.token_hex(16)
        settings = sandbox_settings(fake, database, secret)
        seeded = await _prepare(settings, demo)
        workspace = Workspace()
        fake.observers.append(workspace.observe)
        everyone = [p.user_id for p in PEOPLE]
        fake.set_response(
            "conversations.members", {"members": everyone, "response_metadata": {"next_cursor": ""}}
        )
        requests = SlackRequests(secret, fake.response_url_base, team_domain="backlog-sandbox")
        bridge = Bridge(workspace, requests, f"http://127.0.0.1:{port}")

        def wrap(web: Starlette, _services: Services) -> ASGIApp:
            return sandbox_web(web, workspace, bridge)

        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        click.echo(
            f"Backlog Bot sandbox on http://{shown}:{port}/ ({seeded}; "
            "a local stand-in for Slack: nothing reaches Slack; Ctrl-C stops it)"
        )
        try:
            await serve(settings, host, port, wrap)
        finally:
            await bridge.close()


async def _prepare(settings: Settings, demo: bool) -> str:
    services = services_from(settings)
    try:
        await services.migrate()
        if not (demo or await is_empty(services)):
            return f"database {settings.database_url}"
        if not await is_empty(services):
            return f"database {settings.database_url}, demo already loaded"
        now = datetime.now(settings.timezone)
        summary = await seed_demo(services, now.date(), now)
        return f"demo backlog of {summary.orders} orders, a digest due at {summary.digest_at}"
    finally:
        await services.close()
