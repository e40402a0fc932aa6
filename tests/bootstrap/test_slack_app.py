"""The Slack app shell through signed HTTP requests: help, signatures, health, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import aiohttp
import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.models.blocks import Block

from bot.bootstrap.container import Services
from bot.bootstrap.slack_app import build_app
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from bot.services.core.health import HealthService
from storage.core.engine import create_engine, session_factory
from tests.kit.running_bot import RunningBot, bot_settings, running_bot


@pytest.fixture
async def bot(services: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    async with running_bot(services, fake_slack) as running:
        yield running


def _valid_blocks(blocks: list[dict[str, object]]) -> list[str]:
    """Block types, after slack_sdk has checked every block against Slack's limits."""
    types: list[str] = []
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, f"unknown block {raw}"
        block.validate_json()
        types.append(str(block.type))
    return types


async def test_backlog_help_answers_with_every_subcommand(
    bot: RunningBot, slack_requests: SlackRequests
):
    response = await bot.send(slack_requests.slash_command("help"))

    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "/backlog help: List every /backlog subcommand" in body["text"]
    assert _valid_blocks(body["blocks"])[0] == "header"
    assert "`/backlog help`" in str(body["blocks"])


async def test_backlog_without_text_shows_help(bot: RunningBot, slack_requests: SlackRequests):
    response = await bot.send(slack_requests.slash_command(""))

    assert "/backlog help" in response.json()["text"]


async def test_backlog_unknown_subcommand_says_so_and_shows_help(
    bot: RunningBot, slack_requests: SlackRequests
):
    response = await bot.send(slack_requests.slash_command("frobnicate now"))

    body = response.json()
    assert body["text"].startswith("I don't know `/backlog frobnicate`")
    assert _valid_blocks(body["blocks"])[:2] == ["section", "header"]


async def test_url_verification_is_answered(bot: RunningBot, slack_requests: SlackRequests):
    response = await bot.send(slack_requests.url_verification("challenge-123"))

    assert response.json() == {"challenge": "challenge-123"}


async def test_healthz_reports_the_database(bot: RunningBot):
    response = await bot.http.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_is_503_when_the_database_is_gone(bot: RunningBot):
    nowhere = create_engine("postgresql://postgres@127.0.0.1:1/none")
    bot.services.health = HealthService(session_factory(nowhere), timeout=2)

    response = await bot.http.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


async def test_unexpected_listener_errors_reach_the_one_error_handler(
    services: Services,
    fake_slack: FakeSlack,
    slack_requests: SlackRequests,
    caplog: pytest.LogCaptureFixture,
):
    async with aiohttp.ClientSession() as session:
        app = build_app(bot_settings(fake_slack), services, session)

        @app.command("/boom")
        async def boom(ack: object) -> None:
            raise RuntimeError("kaboom")

        request = slack_requests.slash_command("", command="/boom")
        headers: dict[str, str | Sequence[str]] = dict(request.headers)
        response = await app.async_dispatch(AsyncBoltRequest(body=request.body, headers=headers))

    assert response.status == 500
    [record] = [r for r in caplog.records if r.name == "bot.slack"]
    assert record.getMessage() == "unhandled error in /boom listener"
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "kaboom"
