"""First run and start-up checks: `.env.example` as shipped, tokens, the database, one process
per SQLite file. Every failure is one line and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot.sandbox.signing import SIGNING_SECRET, SlackRequests
from bot.sandbox.web_api import FakeSlack
from tests.conftest import REPO
from tests.kit.cli import child_env, free_port, run_cli, start_bot, stop, wait_healthy

pytestmark = pytest.mark.slow


def _env_file(folder: Path, **overrides: str) -> None:
    """The shipped .env.example in `folder` as .env, its sample values replaced."""
    text = (REPO / ".env.example").read_text()
    for old, new in overrides.items():
        text = text.replace(old, new)
    (folder / ".env").write_text(text)


async def test_run_from_the_shipped_env_example_serves_http(
    tmp_path: Path, fake_slack: FakeSlack, slack_requests: SlackRequests
):
    _env_file(
        tmp_path,
        **{"xoxb-your-bot-token": "xoxb-test", "your-signing-secret": SIGNING_SECRET},
    )
    with (tmp_path / ".env").open("a") as env:
        env.write(f"SLACK_API_URL={fake_slack.base_url}\n")
    port = free_port()

    process = await start_bot("run", "--port", str(port), env=child_env(), cwd=tmp_path)
    try:
        await wait_healthy(port, process)
        request = slack_requests.slash_command("help")
        async with httpx.AsyncClient(trust_env=False) as http:
            answer = await http.post(
                f"http://127.0.0.1:{port}/slack/events",
                content=request.body,
                headers=request.headers,
            )
    finally:
        result = await stop(process)

    assert answer.status_code == 200
    assert "/backlog help" in answer.json()["text"]
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "database: sqlite ./backlog.db"
    assert "Traceback" not in result.stderr
    assert "Slack knows the token: bot backlog-bot in workspace Backlog Test" in result.stderr
    assert not fake_slack.calls_to("apps.connections.open")  # empty SLACK_APP_TOKEN: HTTP
    steps = [line.split(": ", 1)[1] for line in result.stderr.splitlines() if "migrated to" in line]
    assert len(steps) == 10
    assert steps == sorted(steps)
    assert steps[0].startswith("migrated to step 01 of 10 (revision 0001)")


async def test_run_with_the_example_token_unchanged_says_which_setting(tmp_path: Path):
    _env_file(tmp_path)

    result = await run_cli("run", env=child_env(), cwd=tmp_path)

    assert result.code == 2
    assert result.stderr.splitlines() == [
        "backlog-bot: SLACK_BOT_TOKEN is not a real value (still the example, or not shaped"
        " like one): paste it from the Slack app's settings"
        " (see README.md, section 'Create the Slack app')"
    ]
    assert not (tmp_path / "backlog.db").exists()


async def test_run_with_a_token_slack_refuses_stops_with_one_line(
    tmp_path: Path, fake_slack: FakeSlack
):
    fake_slack.fail_next("auth.test", "invalid_auth")
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-revoked",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
    )

    result = await run_cli("run", "--port", str(free_port()), env=env, cwd=tmp_path)

    assert result.code == 1
    assert result.stderr.splitlines()[1:] == [
        "backlog-bot: Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the current token from"
        " the Slack app's settings (reinstall the app if it was revoked;"
        " see README.md, section 'Create the Slack app')"
    ]


async def test_run_with_slack_unreachable_stops_with_one_line(tmp_path: Path):
    api_url = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=api_url
    )

    result = await run_cli("run", "--port", str(free_port()), env=env, cwd=tmp_path)

    assert result.code == 1
    [line] = result.stderr.splitlines()[1:]
    assert line.startswith(f"backlog-bot: cannot reach Slack at {api_url} (")
    assert line.endswith(
        "check the network, a proxy (HTTPS_PROXY) or SLACK_API_URL, then start again"
    )


async def test_second_run_on_one_sqlite_file_refuses_to_start(
    tmp_path: Path, fake_slack: FakeSlack
):
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'one.db'}",
    )
    port = free_port()
    first = await start_bot("run", "--port", str(port), env=env, cwd=tmp_path)
    try:
        await wait_healthy(port, first)
        second = await run_cli("run", "--port", str(free_port()), env=env, cwd=tmp_path)
    finally:
        first_result = await stop(first)

    assert second.code == 1
    assert second.stderr.splitlines()[1:] == [
        f"backlog-bot: another backlog-bot run (pid {first.pid}) is serving {tmp_path / 'one.db'};"
        " SQLite is for one process: stop that one first, or use PostgreSQL to run several"
    ]
    assert first_result.code == 0


BAD_DATABASES = {
    "unreachable postgresql": (
        "postgresql://bot:secret@127.0.0.1:9/backlog",
        "backlog-bot: cannot reach postgresql 127.0.0.1:9/backlog (",
    ),
    "missing folder": (
        "sqlite:///{tmp}/no/such/folder/backlog.db",
        "backlog-bot: cannot open SQLite database {tmp}/no/such/folder/backlog.db:"
        " folder {tmp}/no/such/folder does not exist; create it",
    ),
    "not a database": (
        "sqlite:///{tmp}/orders.csv",
        "backlog-bot: {tmp}/orders.csv is not a SQLite database; check DATABASE_URL",
    ),
    "malformed": (
        "not a url",
        "backlog-bot: DATABASE_URL is not a database URL; use sqlite:///path/to/backlog.db"
        " or postgresql://user:password@host:5432/dbname",
    ),
    "unsupported": (
        "mysql://bot:secret@db/backlog",
        "backlog-bot: DATABASE_URL uses 'mysql'; use sqlite:///path.db or postgresql://user@host/db",
    ),
}
COMMANDS = {"run": ["run"], "import": ["import", "orders.csv"], "db upgrade": ["db", "upgrade"]}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("problem", BAD_DATABASES)
async def test_a_database_that_cannot_be_used_is_one_line_and_exit_1(
    tmp_path: Path, fake_slack: FakeSlack, command: str, problem: str
):
    url, expected = (text.format(tmp=tmp_path) for text in BAD_DATABASES[problem])
    (tmp_path / "orders.csv").write_text("order_id,customer,ordered_at,promised_date\n")
    env = child_env(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=url,
    )

    result = await run_cli(*COMMANDS[command], env=env, cwd=tmp_path)

    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(expected)
    assert "secret" not in result.stderr
    assert len(result.stderr.splitlines()) <= 2  # the database named, then the problem
