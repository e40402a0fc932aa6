"""Events API redeliveries through the real Bolt stack: several processes on one database
handle each event once; a failed handling leaves the event to Slack's retry."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.socket_mode.request import SocketModeRequest
from sqlalchemy import select
from sqlmodel import col

from bot.bootstrap.container import Services, build_services
from bot.bootstrap.slack_app import build_app
from bot.sandbox.signing import SignedRequest, SlackRequests
from bot.sandbox.web_api import FakeSlack
from bot.services.core.event_receipts import EventReceipts
from storage.core.receipt_tables import SlackEventReceipt
from tests.conftest import Database
from tests.kit.common import FixedClock
from tests.kit.running_bot import bot_settings

MENTION = {"type": "app_mention", "user": "U111", "text": "hi", "channel": "C111", "ts": "1.1"}


@dataclass
class Process:
    """One bot process: its own services and app on the shared database, and what it handled."""

    name: str
    app: AsyncApp
    handled: list[str] = field(default_factory=list)
    fail_next: bool = False

    async def send(self, request: SignedRequest) -> BoltResponse:
        headers: dict[str, str | Sequence[str]] = dict(request.headers)
        return await self.app.async_dispatch(AsyncBoltRequest(body=request.body, headers=headers))


def _process(name: str, services: Services, fake: FakeSlack, session: Any) -> Process:
    services.event_receipts = EventReceipts(services.sessions, services.clock, owner=name)
    process = Process(name, build_app(bot_settings(fake), services, session))

    @process.app.event("app_mention")
    async def mention(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        if process.fail_next:
            process.fail_next = False
            raise RuntimeError("database went away")
        process.handled.append(body["event_id"])

    return process


@pytest.fixture
async def processes(
    services: Services, database: Database, clock: FixedClock, fake_slack: FakeSlack
) -> AsyncIterator[list[Process]]:
    """Three apps as three processes would build them, each with its own services."""
    async with AsyncExitStack() as stack:
        session = await stack.enter_async_context(aiohttp.ClientSession())
        built = [services]
        for _ in range(2):
            other = build_services(database.url, clock=clock, schema=database.schema)
            stack.push_async_callback(other.close)
            built.append(other)
        names = ("host-a:1", "host-b:1", "host-c:1")
        yield [_process(n, s, fake_slack, session) for n, s in zip(names, built, strict=True)]


async def receipts(services: Services) -> list[SlackEventReceipt]:
    async with services.sessions() as session:
        query = select(SlackEventReceipt).order_by(col(SlackEventReceipt.id))
        return list((await session.execute(query)).scalars())


async def test_event_redelivered_to_another_process_is_handled_once(
    processes: list[Process],
    slack_requests: SlackRequests,
    services: Services,
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.INFO)
    first, retry = processes[0], processes[1]
    original = slack_requests.event(MENTION, event_id="Ev0000000001")
    redelivery = slack_requests.event(MENTION, event_id="Ev0000000001", retry_num=1)

    answers = [await first.send(original), await retry.send(redelivery)]

    assert [a.status for a in answers] == [200, 200]
    assert first.handled == ["Ev0000000001"]
    assert retry.handled == []
    assert "Ev0000000001 (app_mention) already taken on; retry 1 (http_timeout)" in caplog.text
    [receipt] = await receipts(services)
    assert (receipt.event_id, receipt.event_type, receipt.received_by) == (
        "Ev0000000001",
        "app_mention",
        "host-a:1",
    )


async def test_deliveries_arriving_together_at_three_processes_are_handled_once(
    processes: list[Process], slack_requests: SlackRequests
):
    deliveries = [
        slack_requests.event(MENTION, event_id="Ev0000000002", retry_num=n or None)
        for n in range(3)
    ]

    answers = await asyncio.gather(*(p.send(d) for p, d in zip(processes, deliveries, strict=True)))

    assert [a.status for a in answers] == [200, 200, 200]
    assert sorted(e for p in processes for e in p.handled) == ["Ev0000000002"]


async def test_a_failed_event_is_handled_by_slacks_retry(
    processes: list[Process], slack_requests: SlackRequests, services: Services
):
    first, retry = processes[0], processes[1]
    first.fail_next = True

    failed = await first.send(slack_requests.event(MENTION, event_id="Ev0000000003"))
    after = await receipts(services)
    retried = await retry.send(
        slack_requests.event(
            MENTION, event_id="Ev0000000003", retry_num=1, retry_reason="http_error"
        )
    )

    assert failed.status == 500
    assert after == []
    assert retried.status == 200
    assert retry.handled == ["Ev0000000003"]
    assert [r.received_by for r in await receipts(services)] == ["host-b:1"]


async def test_different_events_are_each_handled(
    processes: list[Process], slack_requests: SlackRequests
):
    first = processes[0]

    for event_id in ("Ev0000000004", "Ev0000000005"):
        await first.send(slack_requests.event(MENTION, event_id=event_id))

    assert first.handled == ["Ev0000000004", "Ev0000000005"]


async def test_commands_and_url_checks_leave_no_receipt(
    processes: list[Process], slack_requests: SlackRequests, services: Services
):
    first = processes[0]

    help_answer = await first.send(slack_requests.slash_command("help"))
    challenge = await first.send(slack_requests.url_verification("abc"))

    assert help_answer.status == challenge.status == 200
    assert await receipts(services) == []


async def test_a_forged_redelivery_is_refused_before_any_receipt(
    processes: list[Process], slack_requests: SlackRequests, services: Services
):
    forged = slack_requests.event(MENTION, event_id="Ev0000000006", bad_signature=True)

    answer = await processes[0].send(forged)

    assert answer.status == 401
    assert await receipts(services) == []


async def test_socket_mode_redeliveries_to_another_connection_are_handled_once(
    processes: list[Process], slack_requests: SlackRequests
):
    envelope = slack_requests.event(MENTION, event_id="Ev0000000007").payload()
    deliveries = [
        SocketModeRequest("events_api", "env-1", envelope),
        SocketModeRequest("events_api", "env-2", envelope, retry_attempt=1, retry_reason="timeout"),
    ]

    answers = [
        await run_async_bolt_app(p.app, d) for p, d in zip(processes, deliveries, strict=False)
    ]

    assert [a.status for a in answers] == [200, 200]
    assert (processes[0].handled, processes[1].handled) == (["Ev0000000007"], [])
