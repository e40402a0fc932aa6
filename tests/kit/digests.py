"""Orders and subscriptions for digest tests, written straight to the tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlmodel import col

from bot.bootstrap.container import Services
from bot.bootstrap.slack_app import RATE_LIMIT_RETRIES
from bot.delivery.core.pacing import ChannelPacer, paced
from bot.sandbox.web_api import Call, FakeSlack
from storage.digests.tables import DigestRun, DigestSubscription
from storage.orders import queries

# The fixed clock: Tuesday 2026-11-24, 09:00 UTC.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
YESTERDAY = TODAY - timedelta(days=1)
NEXT_WEEK = TODAY + timedelta(days=7)


def order_values(external_id: str, **overrides: Any) -> dict[str, Any]:
    """An open order on track (due next week, active today, ordered 3 days ago); override any."""
    values: dict[str, Any] = {
        "external_id": external_id,
        "customer": "Acme Hospital",
        "customer_email": None,
        "owner": None,
        "team": None,
        "sku": None,
        "product": None,
        "supplier": None,
        "quantity": None,
        "value": None,
        "currency": None,
        "status": "confirmed",
        "ordered_at": NOW - timedelta(days=3),
        "promised_date": NEXT_WEEK,
        "current_eta": None,
        "slip_count": 0,
        "days_slipped": 0,
        "eta_changed_at": None,
        "last_activity_at": NOW,
        "last_contact_at": None,
        "snoozed_until": None,
        "closed_at": None,
        "source_updated_at": None,
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
        "thread_channel": None,
        "thread_ts": None,
    }
    values.update(overrides)
    if values["status"] in ("filled", "cancelled") and values["closed_at"] is None:
        values["closed_at"] = NOW
    return values


def overdue(external_id: str, **overrides: Any) -> dict[str, Any]:
    """An order whose promise passed yesterday (overdue, customer not told)."""
    return order_values(external_id, **{"promised_date": YESTERDAY, **overrides})


async def add_orders(services: Services, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert the orders in one batch; their database ids by external id."""
    async with services.sessions() as session, session.begin():
        return await queries.insert_orders(session, rows)


async def add_subscription(services: Services, **overrides: Any) -> DigestSubscription:
    """A daily 09:00 UTC digest to C0DIGEST by U0LEAD01, every kind, by owner, set up a day ago."""
    now = services.clock() - timedelta(days=1)
    values: dict[str, Any] = {
        "channel_id": "C0DIGEST",
        "created_by": "U0LEAD01",
        "days": "daily",
        "times": "09:00",
        "zone": "UTC",
        "filters": {},
        "kinds": [],
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    async with services.sessions() as session, session.begin():
        row = DigestSubscription(**values)
        session.add(row)
    return row


def day(text: str) -> date:
    return date.fromisoformat(text)


def slack_client(fake: FakeSlack) -> AsyncWebClient:
    """A Web API client like the bot's (429s retried after Retry-After), talking to `fake`."""
    return AsyncWebClient(
        token="xoxb-test",
        base_url=fake.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)],
    )


def paced_client(fake: FakeSlack, pacer: ChannelPacer) -> AsyncWebClient:
    """The same client, keeping Slack's pace per channel with `pacer` as the bot's does."""
    return paced(slack_client(fake), pacer)


def posts_to(fake: FakeSlack, channel: str = "C0DIGEST") -> list[Call]:
    """Successful-looking chat.postMessage calls to `channel`, oldest first; a call whose
    client hung up while the fake held it never reached the channel."""
    calls = fake.calls_to("chat.postMessage")
    return [c for c in calls if c.args.get("channel") == channel and not c.dropped]


def main_posts(fake: FakeSlack, channel: str = "C0DIGEST") -> list[Call]:
    """Digest messages posted into the channel itself (not thread replies)."""
    return [c for c in posts_to(fake, channel) if not c.args.get("thread_ts")]


SLOT = "2026-11-24T09:00"


async def runs(services: Services) -> list[DigestRun]:
    async with services.sessions() as session:
        query = select(DigestRun).order_by(col(DigestRun.id))
        return list((await session.execute(query)).scalars())
