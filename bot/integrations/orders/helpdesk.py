"""Hands customer updates to a helpdesk: a signed JSON POST to HELPDESK_WEBHOOK_URL.

The receiver checks `X-Backlog-Signature` = "v1=" + hex HMAC-SHA256 of
"{X-Backlog-Timestamp}.{raw body}" under the shared secret (see `signature`), and should
refuse timestamps more than a few minutes old. `Idempotency-Key` is the same for the same
order version and text, so a helpdesk can drop a repeated delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from bot.services.orders.customer_updates import HelpdeskRefused, OutboundUpdate

TIMEOUT_SECONDS = 10.0
TIMESTAMP_HEADER = "X-Backlog-Timestamp"
SIGNATURE_HEADER = "X-Backlog-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_SHOWN_BODY_CHARS = 200


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (Unix seconds)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


class HelpdeskWebhook:
    """A HelpdeskOutbox that POSTs each update as JSON; any 2xx answer means accepted."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._url = url
        self._secret = secret
        self._timeout = timeout
        self._transport = transport  # tests pass httpx.MockTransport
        self._clock = clock

    async def deliver(self, update: OutboundUpdate) -> str | None:
        """POST the update; the helpdesk's ticket reference ("id" or "ticket_id") if any."""
        body = json.dumps(_payload(update), separators=(",", ":")).encode()
        stamp = str(int(self._clock().timestamp()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: signature(self._secret, stamp, body),
            IDEMPOTENCY_HEADER: _idempotency_key(update),
        }
        # One client per delivery: a send is a rare, manual action, not worth a pool.
        async with httpx.AsyncClient(
            transport=self._transport, timeout=self._timeout, trust_env=False
        ) as client:
            response = await self._post(client, body, headers)
        if not response.is_success:
            shown = response.text[:_SHOWN_BODY_CHARS].strip()
            detail = f": {shown}" if shown else ""
            raise HelpdeskRefused(
                f"The helpdesk answered HTTP {response.status_code}{detail}. Nothing was logged."
            )
        return _reference(response)

    async def _post(
        self, client: httpx.AsyncClient, body: bytes, headers: dict[str, str]
    ) -> httpx.Response:
        try:
            return await client.post(self._url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise HelpdeskRefused(
                f"The helpdesk did not answer within {self._timeout:g} seconds, so the update"
                " was not logged as sent. Check the helpdesk before sending again."
            ) from exc
        except httpx.HTTPError as exc:
            raise HelpdeskRefused(
                f"Could not reach the helpdesk ({type(exc).__name__}: {exc}). Nothing was logged."
            ) from exc


def _payload(update: OutboundUpdate) -> dict[str, object]:
    return {
        "order_id": update.order_id,
        "order_version": update.order_version,
        "customer": update.customer,
        "customer_email": update.customer_email,
        "subject": update.subject,
        "text": update.text,
        "sent_by": update.sent_by,
        "sent_at": update.sent_at.astimezone(UTC).isoformat(),
    }


def _idempotency_key(update: OutboundUpdate) -> str:
    # Hashed: order ids may hold characters a header cannot.
    key = f"{update.order_id}\n{update.order_version}\n{update.text}"
    return hashlib.sha256(key.encode()).hexdigest()


def _reference(response: httpx.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    found = data.get("ticket_id", data.get("id"))
    return str(found) if isinstance(found, str | int) and str(found) else None
