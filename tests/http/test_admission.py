"""Admission of Slack requests: a bounded number in flight, the rest refused with 503 in time."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import httpx

from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.bootstrap.slack_app import build_app
from bot.http.admission import Admission
from bot.http.app import build_web
from bot.sandbox.signing import SIGNING_SECRET, SignedRequest, SlackRequests
from bot.sandbox.web_api import FakeSlack
from bot.services.core.errors import DatabaseBusy
from bot.services.orders.reader import OrderDetail
from tests.kit.card import button
from tests.kit.common import order_row, seed_orders
from tests.kit.running_bot import bot_settings


async def test_admission_refuses_a_slot_while_all_are_held_and_admits_again_after():
    admission = Admission(limit=1, wait_s=0.05)

    async with admission.slot() as first, admission.slot() as second:
        assert (first, second) == (True, False)
    async with admission.slot() as third:
        assert third is True


async def test_a_waiting_request_gets_the_slot_freed_within_its_wait():
    admission = Admission(limit=1, wait_s=5)
    released = asyncio.Event()
    admitted: list[bool] = []

    async def hold() -> None:
        async with admission.slot() as got:
            admitted.append(got)
            await released.wait()

    async def wait() -> None:
        async with admission.slot() as got:
            admitted.append(got)

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(wait())
    await asyncio.sleep(0)
    released.set()
    await asyncio.gather(holder, waiter)

    assert admitted == [True, True]


async def test_slack_request_beyond_the_limit_is_refused_with_503_and_the_held_one_completes(
    services: Services, fake_slack: FakeSlack, slack_requests: SlackRequests, tmp_path: Path
):
    await seed_orders(services, tmp_path, [order_row()])
    fake_slack.slow_next("views.open", 1.0)  # the click holds the only slot meanwhile

    async with aiohttp.ClientSession() as session:
        app = build_app(bot_settings(fake_slack), services, session)
        web = build_web(
            app, services, signing_secret=SIGNING_SECRET, admission=Admission(limit=1, wait_s=0.1)
        )
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
            card = (await _post(http, slack_requests.slash_command("SO-1001"))).json()
            value = button(card, ids.ETA_ACTION)["value"]
            click = asyncio.create_task(
                _post(http, slack_requests.block_actions(ids.ETA_ACTION, value=value))
            )
            while not fake_slack.calls_to("views.open"):  # noqa: ASYNC110 - FakeSlack only records
                await asyncio.sleep(0.01)
            refused = await _post(http, slack_requests.slash_command("SO-1001"))
            clicked = await click
            after = await _post(http, slack_requests.slash_command("SO-1001"))

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert clicked.status_code == 200
    assert after.status_code == 200
    assert after.json()["text"].startswith("Order SO-1001")


async def _post(http: httpx.AsyncClient, request: SignedRequest) -> httpx.Response:
    return await http.post("/slack/events", content=request.body, headers=request.headers)


async def test_slack_request_finding_every_database_connection_busy_gets_503_not_500(
    services: Services, fake_slack: FakeSlack, slack_requests: SlackRequests, tmp_path: Path
):
    await seed_orders(services, tmp_path, [order_row()])

    async def busy(external_id: str) -> OrderDetail:
        raise DatabaseBusy("QueuePool limit of size 6 overflow 0 reached")

    services.orders.detail = busy  # type: ignore[method-assign]
    async with aiohttp.ClientSession() as session:
        app = build_app(bot_settings(fake_slack), services, session)
        web = build_web(app, services, api_token="secret", signing_secret=SIGNING_SECRET)
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
            slack = await _post(http, slack_requests.slash_command("SO-1001"))
            api = await http.get("/api/orders/SO-1001", headers={"Authorization": "Bearer secret"})

    assert (slack.status_code, slack.headers["retry-after"]) == (503, "1")
    assert slack.json() == {"error": "too many requests in flight, try again"}
    assert (api.status_code, api.headers["retry-after"]) == (503, "1")
