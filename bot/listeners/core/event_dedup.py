"""Events API redeliveries: handled once across every process (bot.services.core.event_receipts).

A global middleware: it runs after Bolt has verified the request's signature and before any
listener. The service call opens and closes its own session; nothing is held while listeners run.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.services.core.event_receipts import EventReceipts

RETRY_NUM = "x-slack-retry-num"
RETRY_REASON = "x-slack-retry-reason"
_RETRY_HEADERS = (RETRY_NUM, RETRY_REASON)
MAX_EVENT_ID = 64  # the receipts table's column
log = logging.getLogger(__name__)


class EventDedup(AsyncMiddleware):
    """Acks a delivery of an event some process already took on, without running listeners.

    A middleware class: Bolt calls it directly, without building keyword arguments for it.
    """

    def __init__(self, receipts: EventReceipts) -> None:
        self._receipts = receipts

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        """Let the first delivery of an event through; answer 200 to any later one."""
        body = req.body
        event_id = event_id_of(body)
        if event_id is None:
            return await next()
        event_type = str((body.get("event") or {}).get("type") or "unknown")[:MAX_EVENT_ID]
        if await self._receipts.first_delivery(event_id, event_type):
            return await next()
        log.info(
            "event %s (%s) already taken on; %s acknowledged without handling",
            event_id, event_type, _delivery(req),
        )  # fmt: skip
        return BoltResponse(status=200, body="")

    async def forget_failed(self, body: dict[str, Any]) -> None:
        """A listener failed on this event: Slack retries it (500), and the retry is handled."""
        event_id = event_id_of(body)
        if event_id is not None:
            await self._receipts.forget(event_id)


def event_id_of(body: dict[str, Any]) -> str | None:
    """The event_id of an Events API callback; None for commands, interactions and the rest."""
    event_id = body.get("event_id")
    if body.get("type") != "event_callback" or not isinstance(event_id, str):
        return None
    # Slack's ids are about a dozen characters; anything else is handled without a receipt.
    return event_id if 0 < len(event_id) <= MAX_EVENT_ID else None


def _delivery(req: AsyncBoltRequest) -> str:
    """Which delivery this is, for the log: "retry 2 (http_timeout)" or a plain repeat."""
    number, reason = (next(iter(req.headers.get(name) or []), None) for name in _RETRY_HEADERS)
    if number is None:
        return "a repeated delivery"
    return f"retry {number} ({reason or 'no reason given'})"
