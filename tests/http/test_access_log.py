"""One access line per Slack or API request: who, what, status, milliseconds, and why a
refusal was refused; never a token or a signature."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.sandbox.signing import SIGNING_SECRET, SlackRequests
from bot.sandbox.web_api import FakeSlack
from tests.conftest import Database, sqlite_database
from tests.kit.card import button
from tests.kit.common import order_row, seed_orders
from tests.kit.running_bot import API_TOKEN, RunningBot, running_bot


@pytest.fixture
def database(tmp_path: Path) -> Database:
    """SQLite only: what is logged does not depend on the database."""
    return sqlite_database(tmp_path)


@pytest.fixture
async def bot(services: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    async with running_bot(services, fake_slack) as running:
        yield running


@pytest.fixture
def access(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="bot.access")
    return caplog


def lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "bot.access"]


async def test_access_log_names_a_slash_command_its_user_status_and_milliseconds(
    bot: RunningBot, slack_requests: SlackRequests, access: pytest.LogCaptureFixture
):
    request = slack_requests.slash_command("help", user_id="U0ALICE01")

    response = await bot.send(request)

    [line] = lines(access)
    assert response.status_code == 200
    assert line.levelname == "INFO"
    assert line.getMessage().startswith("slack command /backlog user=U0ALICE01 200 ")
    assert line.getMessage().endswith("ms")
    assert (line.surface, line.kind, line.subject, line.who, line.status) == (  # type: ignore[attr-defined]
        "slack",
        "command",
        "/backlog",
        "user=U0ALICE01",
        200,
    )
    assert line.ms >= 0  # type: ignore[attr-defined]
    assert request.headers["X-Slack-Signature"] not in access.text
    assert SIGNING_SECRET not in access.text


async def test_access_log_names_a_buttons_action_id(
    bot: RunningBot,
    slack_requests: SlackRequests,
    access: pytest.LogCaptureFixture,
    tmp_path: Path,
):
    await seed_orders(bot.services, tmp_path, [order_row(order_id="SO-1001")])
    card = (await bot.send(slack_requests.slash_command("SO-1001"))).json()
    value = button(card, ids.ETA_ACTION)["value"]

    await bot.send(slack_requests.block_actions(ids.ETA_ACTION, value=value, user_id="U0BOB001"))

    _, line = lines(access)
    assert line.getMessage().startswith(f"slack block_actions {ids.ETA_ACTION} user=U0BOB001 200")


async def test_access_log_names_an_events_type_and_user(
    bot: RunningBot, slack_requests: SlackRequests, access: pytest.LogCaptureFixture
):
    await bot.send(slack_requests.app_home_opened(user_id="U0CAROL01"))

    [line] = lines(access)
    assert line.getMessage().startswith("slack event app_home_opened user=U0CAROL01 200")


async def test_a_wrong_signing_secret_leaves_a_warning_saying_invalid_signature(
    bot: RunningBot, slack_requests: SlackRequests, access: pytest.LogCaptureFixture
):
    response = await bot.send(slack_requests.slash_command("help", bad_signature=True))

    [line] = lines(access)
    assert response.status_code == 401
    assert line.levelname == "WARNING"
    assert "refused 401: invalid signature (check SLACK_SIGNING_SECRET)" in line.getMessage()
    assert line.getMessage().startswith("slack unknown - user=- refused 401")


@pytest.mark.parametrize(
    ("forge", "reason"),
    [
        ({"timestamp": 1_000_000_000}, "refused 401: expired signature"),
        ({"timestamp": "soon"}, "refused 401: invalid signature timestamp"),
    ],
)
async def test_an_old_or_malformed_timestamp_is_logged_with_its_own_reason(
    bot: RunningBot,
    slack_requests: SlackRequests,
    access: pytest.LogCaptureFixture,
    forge: dict[str, int | str],
    reason: str,
):
    await bot.send(slack_requests.slash_command("help", **forge))  # type: ignore[arg-type]

    [line] = lines(access)
    assert reason in line.getMessage()


async def test_a_request_without_a_signature_is_logged_as_missing_one(
    bot: RunningBot, slack_requests: SlackRequests, access: pytest.LogCaptureFixture
):
    request = slack_requests.slash_command("help")
    headers = {k: v for k, v in request.headers.items() if k != "X-Slack-Signature"}

    await bot.http.post("/slack/events", content=request.body, headers=headers)

    [line] = lines(access)
    assert "refused 401: missing signature" in line.getMessage()


async def test_access_log_names_an_api_route_its_client_and_a_wrong_token(
    bot: RunningBot, access: pytest.LogCaptureFixture
):
    wrong = {"Authorization": "Bearer not-the-token"}

    refused = await bot.http.get("/api/orders", headers=wrong)
    found = await bot.http.get("/api/orders", headers={"Authorization": f"Bearer {API_TOKEN}"})

    first, second = lines(access)
    assert (refused.status_code, found.status_code) == (401, 200)
    assert first.getMessage().startswith(
        "api list_orders GET /api/orders client=127.0.0.1 refused 401: the bearer token is wrong"
    )
    assert first.levelname == "WARNING"
    assert second.getMessage().startswith("api list_orders GET /api/orders client=127.0.0.1 200 ")
    assert "not-the-token" not in access.text
    assert API_TOKEN not in access.text


async def test_access_log_gives_an_api_refusal_its_reason(
    bot: RunningBot, access: pytest.LogCaptureFixture
):
    auth = {"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"}

    await bot.http.post("/api/orders", content=b"{not json", headers=auth)

    [line] = lines(access)
    assert line.levelname == "INFO"
    assert "api post_orders POST /api/orders client=127.0.0.1 refused 400: the body is not" in (
        line.getMessage()
    )


async def test_health_probes_and_scrapes_leave_no_access_line(
    bot: RunningBot, access: pytest.LogCaptureFixture
):
    await bot.http.get("/healthz")
    await bot.http.get("/metrics")

    assert lines(access) == []
