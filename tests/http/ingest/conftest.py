"""The bot served over loopback with an API client that sends the bearer token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.bootstrap.container import Services
from bot.sandbox.web_api import FakeSlack
from storage.orders import queries
from tests.kit.running_bot import API_TOKEN, RunningBot, running_bot

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture
async def bot(services: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    async with running_bot(services, fake_slack) as running:
        yield running


def order(order_id: str | int = "SO-1", **fields: Any) -> dict[str, Any]:
    """A valid pushed order; override or add any canonical field."""
    return {
        "order_id": order_id,
        "customer": "Acme Hospital",
        "ordered_at": "2026-11-01T10:00:00Z",
        "promised_date": "2026-11-30",
    } | fields


async def post(
    bot: RunningBot, body: Any, key: str | None = None, **headers: str
) -> httpx.Response:
    """POST /api/orders with the token (and an Idempotency-Key when given)."""
    sent = AUTH | headers | ({"Idempotency-Key": key} if key else {})
    return await bot.http.post("/api/orders", json=body, headers=sent)


async def get(bot: RunningBot, path: str, **params: str) -> httpx.Response:
    """GET with the token; `params` (when given) replace the path's query string."""
    return await bot.http.get(path, params=params or None, headers=AUTH)


async def stored_counts(services: Services) -> tuple[int, int]:
    """How many orders and events are stored."""
    async with services.sessions() as session:
        return await queries.count_orders(session), await queries.count_events(session)
