"""`backlog-bot run` as a real process: serves signed Slack requests, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.sandbox.signing import SIGNING_SECRET, SlackRequests
from bot.sandbox.web_api import FakeSlack
from bot.services.container import build_services
from tests.conftest import REPO
from tests.kit.cli import child_env
from tests.kit.common import order_row, seed_orders

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _wait_healthy(http: httpx.AsyncClient, process: asyncio.subprocess.Process) -> None:
    for _ in range(200):
        if process.returncode is not None:
            raise AssertionError(f"bot exited early with {process.returncode}")
        try:
            if (await http.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("bot did not become healthy within 10 s")


async def test_run_serves_backlog_help_over_signed_http_and_stops_on_sigterm(
    tmp_path: Path, fake_slack: FakeSlack, slack_requests: SlackRequests
):
    port = _free_port()
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", str(port),
        env=env, cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False) as http:
            await _wait_healthy(http, process)
            request = slack_requests.slash_command("help")
            response = await http.post(
                "/slack/events", content=request.body, headers=request.headers
            )
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            _, err = await process.communicate()

    assert response.status_code == 200
    assert "/backlog help" in response.json()["text"]
    assert process.returncode == 0
    assert "stopped" in err.decode()
    assert (tmp_path / "run.db").exists()
    assert REPO.exists()


async def test_run_with_an_app_token_uses_socket_mode_and_stops_on_sigterm(
    tmp_path: Path, fake_slack: FakeSlack
):
    fake_slack.set_response("apps.connections.open", {"url": "ws://127.0.0.1:9/unreachable"})
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_APP_TOKEN="xapp-test",
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'socket.db'}",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        env=env, cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        # Generous waits: on a loaded CI machine start-up (imports, migrations) takes seconds.
        for _ in range(600):
            if fake_slack.calls_to("apps.connections.open") or process.returncode is not None:
                break
            await asyncio.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(45):
            _, err = await process.communicate()

    call = fake_slack.last("apps.connections.open")
    assert call.headers["Authorization"] == "Bearer xapp-test"
    assert process.returncode == 0, err.decode()
    assert "stopped" in err.decode()


async def test_run_announces_an_order_that_became_overdue_from_its_scheduler(
    tmp_path: Path, fake_slack: FakeSlack
):
    database_url = f"sqlite:///{tmp_path / 'alerts.db'}"
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    seeded = build_services(database_url)
    await seeded.migrate()
    await seed_orders(seeded, tmp_path, [order_row(team="emea", promised_date=str(yesterday))])
    await seeded.close()
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=database_url,
        TEAM_CHANNELS="emea=C0EMEA",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", str(_free_port()),
        env=env, cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(200):
            if len(fake_slack.calls_to("chat.postMessage")) >= 2 or process.returncode is not None:
                break
            await asyncio.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            _, err = await process.communicate()

    parent, line = fake_slack.calls_to("chat.postMessage")
    assert parent.args["channel"] == line.args["channel"] == "C0EMEA"
    assert line.args["text"].startswith(f"Overdue: due {yesterday.isoformat()}")
    assert process.returncode == 0, err.decode()
