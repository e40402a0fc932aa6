"""The real bot over real HTTP on loopback, wired to the fake Slack Web API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from bot.bootstrap.container import Services
from bot.bootstrap.slack_app import build_app, slack_session
from bot.delivery.core.pacing import ChannelPacer
from bot.http.app import build_web
from bot.listeners.core.background import Background
from bot.sandbox.signing import SIGNING_SECRET, SignedRequest
from bot.sandbox.web_api import FakeSlack
from bot.settings import Settings
from tests.kit.pace import VirtualTime

API_TOKEN = "test-api-token"


def bot_settings(fake: FakeSlack, **overrides: str) -> Settings:
    """Settings for a bot that talks to `fake`; never reads a developer's .env."""
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url,
        "BACKLOG_API_TOKEN": API_TOKEN,
    } | overrides
    return Settings(_env_file=None, **values)


@dataclass
class RunningBot:
    """A bot served by uvicorn on a random loopback port."""

    url: str
    http: httpx.AsyncClient
    services: Services
    fake: FakeSlack
    background: Background

    async def settle(self) -> None:
        """Wait for the work that follows acks (card updates, thread notes)."""
        await self.background.drain()

    async def send(self, request: SignedRequest) -> httpx.Response:
        """POST a signed Slack request to /slack/events."""
        return await self.http.post("/slack/events", content=request.body, headers=request.headers)


@asynccontextmanager
async def running_bot(
    services: Services, fake: FakeSlack, pacer: ChannelPacer | None = None, **overrides: str
) -> AsyncIterator[RunningBot]:
    """Serve the app built exactly as `backlog-bot run` builds it; `overrides` are settings.
    Messages keep Slack's pace per channel on a virtual clock unless `pacer` says otherwise."""
    settings = bot_settings(fake, **overrides)
    token, secret = settings.backlog_api_token, settings.slack_signing_secret
    async with slack_session(settings) as session:
        background = Background()
        app = build_app(settings, services, session, background, pacer or VirtualTime().pacer())
        web = build_web(
            app,
            services,
            api_token=token.get_secret_value() if token else None,
            signing_secret=secret.get_secret_value() if secret else "",
        )
        config = uvicorn.Config(
            web,
            host="127.0.0.1",
            port=0,
            lifespan="off",
            log_level="warning",
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn exposes only this flag
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=10) as http:
                yield RunningBot(url, http, services, fake, background)
        finally:
            server.should_exit = True
            await task
