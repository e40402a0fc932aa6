"""Three real `backlog-bot run` processes on one PostgreSQL database, as behind a load balancer.

They start at the same moment on an empty schema (the migration lock makes them take turns),
orders arrive through the CLI import, then commands, modal submissions and clicks hit all
three at once, each write delivered more than once, and an App Home event arrives at one
process while Slack's two retries of it arrive at the others. Afterwards every write is in the event
log exactly once, versions moved once per write, and Slack got each card refresh, reply and
alert once, although three schedulers looked for alerts every second, and the Home tab was
published once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import select

from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.sandbox.signing import SIGNING_SECRET, SlackRequests
from bot.sandbox.web_api import Call, FakeSlack
from storage.alerts.tables import Alert, AlertKind, AlertStatus
from storage.core.receipt_tables import SlackEventReceipt
from storage.orders.tables import EventKind, Order, OrderEvent
from tests.conftest import Database
from tests.kit.cli import child_env, run_cli
from tests.kit.common import order_row, write_csv
from tests.scale.processes import BotProcess, bot_processes, problems
from tests.scale.scenario import OrderRun, OrderScenario, opened_views

Row = TypeVar("Row", Order, OrderEvent, Alert, SlackEventReceipt)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CHANNEL = "C0EMEA"
ORDERS = [f"SO-{3001 + n}" for n in range(12)]
OVERDUE = "SO-3999"
HOME_USER, HOME_EVENT = "U0HOME001", "Ev0SCALE01"
SETTLE_SECONDS = 30
QUIET_TICKS = 4  # alert runs per process after the last expected post: time for any double


async def seed(env: dict[str, str], folder: Path) -> None:
    today = datetime.now(UTC).date()
    rows = [
        order_row(order_id=order_id, team="emea", promised_date=str(today + timedelta(days=10)))
        for order_id in ORDERS
    ]
    rows.append(order_row(order_id=OVERDUE, team="emea", promised_date=str(today - timedelta(1))))
    result = await run_cli(
        "import", str(write_csv(folder / "orders.csv", rows)), env=env, cwd=folder
    )
    assert result.code == 0, result.stderr


async def settle(fake: FakeSlack, done: Callable[[], bool]) -> None:
    """Wait for the follow-up work after the acks, then a few alert runs more."""
    async with asyncio.timeout(SETTLE_SECONDS):
        while not done():  # noqa: ASYNC110 - the fake records calls, it signals nothing
            await asyncio.sleep(0.1)
    await asyncio.sleep(QUIET_TICKS)


def followed_up(fake: FakeSlack) -> bool:
    """Every alert line, card refresh, reply and Home tab the scenario asks for has arrived."""
    replies = len(fake.calls_to("response_url"))
    lines, homes = len(thread_lines(fake)), len(fake.calls_to("views.publish"))
    return lines >= len(ORDERS) + 1 and replies >= 5 * len(ORDERS) and homes >= 1


def thread_lines(fake: FakeSlack) -> list[Call]:
    return [c for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts")]


def replies_for(fake: FakeSlack, order_id: str) -> list[Call]:
    return [c for c in fake.calls_to("response_url") if c.path.startswith(f"/response/{order_id}-")]


async def rows_of(services: Services, model: type[Row]) -> list[Row]:
    async with services.sessions() as session:
        return list((await session.execute(select(model))).scalars())


async def test_three_processes_write_each_change_once_and_announce_each_alert_once(
    empty_schema: Database, reader: Services, fake_slack: FakeSlack, tmp_path: Path
):
    env = child_env(
        empty_schema,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        TEAM_CHANNELS=f"emea={CHANNEL}",
        ALERT_INTERVAL_SECONDS="1",
    )
    requests = SlackRequests(SIGNING_SECRET, response_url_base=fake_slack.response_url_base)

    async with bot_processes(3, env, tmp_path) as bots:
        await seed(env, tmp_path)
        scenarios = [OrderScenario(bots, fake_slack, i, o) for i, o in enumerate(ORDERS)]
        lookups = [requests.slash_command(t) for t in ("late", OVERDUE)]
        runs, answers, home = await asyncio.gather(
            asyncio.gather(*(s.play() for s in scenarios)),
            asyncio.gather(*(bot.send(lookup) for bot in bots for lookup in lookups)),
            deliver_one_event_everywhere(bots, requests),
        )
        await settle(fake_slack, lambda: followed_up(fake_slack))

    await assert_each_write_logged_once(reader, runs)
    assert_slack_heard_each_change_once(fake_slack, runs)
    await assert_each_alert_posted_once(reader, fake_slack)
    assert all(a.status_code == 200 and OVERDUE in a.json()["text"] for a in answers)
    await assert_event_taken_on_once(reader, bots, home, fake_slack)
    assert {bot.name: problems(bot.logged()) for bot in bots} == {bot.name: [] for bot in bots}


async def deliver_one_event_everywhere(
    bots: list[BotProcess], requests: SlackRequests
) -> list[httpx.Response]:
    """One Events API event and Slack's two retries of it, each at another process, at once."""
    event = {
        "type": "app_home_opened",
        "user": HOME_USER,
        "channel": "D0HOME",
        "tab": "home",
        "event_ts": "1.2",
    }
    deliveries = [requests.event(event, event_id=HOME_EVENT, retry_num=n or None) for n in range(3)]
    return list(await asyncio.gather(*(b.send(d) for b, d in zip(bots, deliveries, strict=True))))


async def assert_event_taken_on_once(
    reader: Services, bots: list[BotProcess], answers: list[httpx.Response], fake: FakeSlack
) -> None:
    """One process took the event on and published the Home tab; the two others answered 200
    at once without running a listener, and said so in their logs."""
    [receipt] = await rows_of(reader, SlackEventReceipt)
    [winner] = [b for b in bots if receipt.received_by.endswith(f":{b.process.pid}")]
    others = [b for b in bots if b is not winner]
    assert [(a.status_code, a.content) for a in answers] == [(200, b"")] * 3
    assert [c.args["user_id"] for c in fake.calls_to("views.publish")] == [HOME_USER]
    assert all(f"{HOME_EVENT} (app_home_opened) already taken on" in b.logged() for b in others)


async def assert_each_write_logged_once(reader: Services, runs: list[OrderRun]) -> None:
    orders = {o.external_id: o for o in await rows_of(reader, Order)}
    events = await rows_of(reader, OrderEvent)
    for run in runs:
        order = orders[run.order_id]
        kinds = Counter(e.kind for e in events if e.order_id == order.id)
        assert kinds == {
            EventKind.CREATED: 1,
            EventKind.ETA_CHANGED: 1,
            EventKind.CONTACT_LOGGED: 1,
            EventKind.OWNER_CHANGED: 1,
        }, run.order_id
        assert order.version == run.first_version + 3, run.order_id
        assert (order.current_eta, order.owner) == (run.new_eta, run.user)
        assert all(a.status_code == 200 and a.content == b"" for a in run.modal_answers), (
            run.order_id
        )
        assert all(a.status_code == 200 for a in run.click_answers), run.order_id


def assert_slack_heard_each_change_once(fake: FakeSlack, runs: list[OrderRun]) -> None:
    """Per order: two modals opened; the card redrawn once per change; of the three Take
    ownership deliveries two were told "You already own" instead."""
    for run in runs:
        replies = [c.args for c in replies_for(fake, run.order_id)]
        redrawn = [r for r in replies if r.get("replace_original")]
        told = [r["text"] for r in replies if not r.get("replace_original")]
        modals = [v["callback_id"] for v in opened_views(fake, run.order_id)]
        assert modals == [ids.ETA_MODAL, ids.CONTACT_MODAL], run.order_id
        assert len(redrawn) == 3, run.order_id
        assert told == [f"You already own {run.order_id}."] * 2


async def assert_each_alert_posted_once(reader: Services, fake: FakeSlack) -> None:
    alerts = await rows_of(reader, Alert)
    assert Counter(a.kind for a in alerts) == {AlertKind.SLIPPED: len(ORDERS), AlertKind.OVERDUE: 1}
    assert {a.status for a in alerts} == {AlertStatus.POSTED}
    lines = thread_lines(fake)
    assert len(lines) == len(ORDERS) + 1
    assert sum(c.args["text"].startswith("Overdue:") for c in lines) == 1
    threads = {o.thread_ts for o in await rows_of(reader, Order)}
    assert {c.args["thread_ts"] for c in lines} == threads - {None}
    posts = fake.calls_to("chat.postMessage")
    assert {c.args["channel"] for c in posts} == {CHANNEL}  # no DMs: nobody else to tell
    parents = [c for c in posts if not c.args.get("thread_ts")]
    assert len(parents) - len(fake.calls_to("chat.delete")) == len(ORDERS) + 1
