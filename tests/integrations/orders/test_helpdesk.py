"""The helpdesk webhook adapter against httpx.MockTransport: signing, answers, failures."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import httpx
import pytest

from bot.integrations.orders.helpdesk import HelpdeskWebhook
from bot.services.orders.customer_updates import HelpdeskRefused, OutboundUpdate

URL = "https://helpdesk.example.com/hooks/backlog"
SECRET = "shared-secret"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
UPDATE = OutboundUpdate(
    order_id="SO-1001",
    order_version=3,
    customer="Acme Hospital",
    customer_email="buyer@acme.example",
    subject="Update on your order SO-1001",
    text="Dear Acme Hospital,\n\nYour order is late. Sorry.",
    sent_by="U0REP0001",
    sent_at=NOW,
)


def webhook(handler, **options) -> HelpdeskWebhook:
    return HelpdeskWebhook(
        URL, SECRET, transport=httpx.MockTransport(handler), clock=lambda: NOW, **options
    )


async def test_helpdesk_webhook_posts_the_update_signed_over_timestamp_and_body():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"ticket_id": "T-77"})

    reference = await webhook(handler).deliver(UPDATE)

    [request] = seen
    stamp = request.headers["X-Backlog-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{stamp}.".encode() + request.content, hashlib.sha256)
    assert request.headers["X-Backlog-Signature"] == "v1=" + expected.hexdigest()
    assert stamp == str(int(NOW.timestamp()))
    assert (request.method, str(request.url)) == ("POST", URL)
    assert json.loads(request.content) == {
        "order_id": "SO-1001",
        "order_version": 3,
        "customer": "Acme Hospital",
        "customer_email": "buyer@acme.example",
        "subject": "Update on your order SO-1001",
        "text": UPDATE.text,
        "sent_by": "U0REP0001",
        "sent_at": "2026-11-24T09:00:00+00:00",
    }
    assert reference == "T-77"


async def test_helpdesk_webhook_gives_the_same_idempotency_key_for_the_same_update():
    keys: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        return httpx.Response(202)

    hook = webhook(handler)
    await hook.deliver(UPDATE)
    await hook.deliver(UPDATE)
    await hook.deliver(OutboundUpdate(**{**vars(UPDATE), "order_version": 4}))

    assert keys[0] == keys[1] != keys[2]


async def test_helpdesk_webhook_accepts_any_2xx_without_a_reference():
    reference = await webhook(lambda request: httpx.Response(204)).deliver(UPDATE)

    assert reference is None


@pytest.mark.parametrize("status", [400, 401, 422, 500, 503])
async def test_helpdesk_webhook_refuses_on_an_error_status(status: int):
    hook = webhook(lambda request: httpx.Response(status, text="signature mismatch"))

    with pytest.raises(HelpdeskRefused) as refused:
        await hook.deliver(UPDATE)

    assert refused.value.message == (
        f"The helpdesk answered HTTP {status}: signature mismatch. Nothing was logged."
    )


async def test_helpdesk_webhook_times_out_with_a_clear_message():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(HelpdeskRefused) as refused:
        await webhook(handler, timeout=2.5).deliver(UPDATE)

    assert "did not answer within 2.5 seconds" in refused.value.message
    assert "not logged" in refused.value.message


async def test_helpdesk_webhook_says_when_the_helpdesk_is_unreachable():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(HelpdeskRefused) as refused:
        await webhook(handler).deliver(UPDATE)

    assert refused.value.message == (
        "Could not reach the helpdesk (ConnectError: connection refused). Nothing was logged."
    )
