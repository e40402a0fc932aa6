"""Socket Mode requests get the same access lines and request metrics as HTTP ones."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.bootstrap.container import Services
from bot.bootstrap.slack_app import build_app, slack_session
from bot.http.access import AccessRecorder
from bot.http.metrics import Metrics
from bot.http.socket_mode import ObservedSocketModeHandler
from bot.sandbox.payloads import slash_command_form
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from tests.conftest import Database, sqlite_database
from tests.kit.running_bot import bot_settings


@pytest.fixture
def database(tmp_path: Path) -> Database:
    """SQLite only: what is logged does not depend on the database."""
    return sqlite_database(tmp_path)


class SocketStub:
    """The socket's side of one exchange: what the handler sent back."""

    def __init__(self) -> None:
        self.logger = logging.getLogger("tests.socket")
        self.sent: list[SocketModeResponse] = []

    async def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.sent.append(response)


async def test_socket_mode_request_is_answered_logged_and_counted(
    services: Services,
    fake_slack: FakeSlack,
    slack_requests: SlackRequests,
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.INFO, logger="bot.access")
    form: dict[str, Any] = slash_command_form(
        slack_requests.workspace, "help", "U0DAVE001", "C111", "/backlog", "", "1.2.trigger"
    )
    request = SocketModeRequest(type="slash_commands", envelope_id="env-1", payload=form)
    metrics = Metrics(services.tallies)
    settings = bot_settings(fake_slack)
    socket = SocketStub()

    async with slack_session(settings) as session:
        app = build_app(settings, services, session)
        handler = ObservedSocketModeHandler(app, "xapp-test", AccessRecorder(metrics))
        await handler.handle(socket, request)  # type: ignore[arg-type]

    [answer] = socket.sent
    assert answer.envelope_id == "env-1"
    assert "/backlog help" in str(answer.payload)
    [line] = [r for r in caplog.records if r.name == "bot.access"]
    assert line.getMessage().startswith("slack command /backlog user=U0DAVE001 200 ")
    samples = metrics.registry.get_sample_value(
        "backlog_requests_total", {"surface": "slack", "kind": "command", "status": "200"}
    )
    assert samples == 1
