"""`backlog-bot run` as a real process: serves signed Slack requests, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.bootstrap.container import build_services
from bot.sandbox.signing import SIGNING_SECRET, SlackRequests
from bot.sandbox.web_api import FakeSlack
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
    # Generous: on a loaded machine start-up (imports, checks, migrations) takes seconds.
    for _ in range(600):
        if process.returncode is not None:
            raise AssertionError(f"bot exited early with {process.returncode}")
        try:
            if (await http.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("bot did not become healthy within 30 s")


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
        sys.executable, "-m", "bot", "run", "--port", str(_free_port()),
        env=env, cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        # Generous waits: on a loaded CI machine start-up (imports, migrations) takes seconds.
        # The first call checks the token at start-up; the second opens the connection.
        for _ in range(600):
            opened = len(fake_slack.calls_to("apps.connections.open")) >= 2
            if opened or process.returncode is not None:
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


async def test_run_in_socket_mode_serves_health_metrics_and_the_api_over_http_and_logs_json(
    tmp_path: Path, fake_slack: FakeSlack
):
    # The socket itself cannot connect (nothing listens there): the HTTP port must not care.
    fake_slack.set_response("apps.connections.open", {"url": "ws://127.0.0.1:9/unreachable"})
    port = _free_port()
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_APP_TOKEN="xapp-test",
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'socket.db'}",
        BACKLOG_API_TOKEN="api-secret",
        LOG_FORMAT="json",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", str(port),
        env=env, cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    auth = {"Authorization": "Bearer api-secret"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False) as http:
            await _wait_healthy(http, process)
            orders = await http.get("/api/orders", headers=auth)
            slack = await http.post("/slack/events", content=b"{}")
            metrics = await http.get("/metrics")
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(45):
            _, err = await process.communicate()

    assert orders.status_code == 200
    assert orders.json()["items"] == []
    assert slack.status_code == 404
    assert "Socket Mode" in slack.json()["error"]
    assert metrics.status_code == 200
    assert 'backlog_requests_total{kind="list_orders",status="200",surface="api"} 1.0' in (
        metrics.text
    )
    assert process.returncode == 0, err.decode()
    records = [json.loads(line) for line in err.decode().splitlines()]  # every line is JSON
    access = [r for r in records if r["logger"] == "bot.access"]
    assert [(r["surface"], r["kind"], r["subject"], r["status"]) for r in access] == [
        ("api", "list_orders", "GET /api/orders", 200),
        ("slack", "unknown", "-", 404),
    ]
    assert "Socket Mode" in access[1]["reason"]
    assert any(r["message"] == "stopped" for r in records)
    assert not any("Running job" in r["message"] for r in records)
    assert "api-secret" not in err.decode()
    assert "xapp-test" not in err.decode()


async def test_run_in_socket_mode_stops_with_status_1_when_its_http_port_is_taken(
    tmp_path: Path, fake_slack: FakeSlack
):
    fake_slack.set_response("apps.connections.open", {"url": "ws://127.0.0.1:9/unreachable"})
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_APP_TOKEN="xapp-test",
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'taken.db'}",
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--port", str(port),
            env=env, cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        async with asyncio.timeout(60):
            _, err = await process.communicate()

    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: stopped" in err.decode()
    assert "address already in use" in err.decode()


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
        for _ in range(600):
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
