"""POST /slack/events up to Bolt: what cannot be Slack's is refused here, with its reason.

In order: a body over 1 MiB (413); a missing, wrong or expired signature (401); a body Bolt
cannot read (400: Bolt reads team, enterprise, user, channel… while it builds its request,
before its own signature check, and a field of an unexpected type would fail there as a 500);
a payload without a field the listeners read, or with one of the wrong type (400). The rest
goes to Bolt, which checks the signature again and runs the listeners.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.http.access import Caller, note_caller, slack_caller
from bot.http.admission import Admission, busy_response
from bot.http.payload_shapes import payload_problem

# Slack payloads are small; a 1 MiB cap refuses abuse before Bolt parses anything. The ingest
# API has its own, larger cap (bot.http.ingest.openapi.MAX_BODY_BYTES) for batches of 1,000 orders.
MAX_BODY_BYTES = 1 << 20
# Slack's rule: a request signed more than five minutes ago is a replay.
MAX_AGE_SECONDS = 5 * 60
# What building Bolt's request raises for a body that is not the shape Slack sends.
_UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, IndexError)


class SlackEndpoint:
    """The Starlette endpoint in front of one AsyncApp."""

    def __init__(
        self,
        app: AsyncApp,
        signing_secret: str,
        admission: Admission,
        on_busy: Callable[[], None] = lambda: None,
    ) -> None:
        self._app = app
        self._verifier = SignatureVerifier(signing_secret)
        self._admission = admission
        self._on_busy = on_busy  # counts admission refusals

    async def handle(self, request: Request) -> Response:
        """Refuse what cannot be Slack's, hand the rest to Bolt."""
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return _refuse(413, "request body too large")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _refuse(413, "request body too large")
        unsigned = self._unsigned(request, body)
        if unsigned is not None:
            # The body says why in general terms; the access log says which check failed.
            note_caller(request.scope, Caller(refusal=unsigned))
            return _refuse(401, "missing, invalid or expired Slack signature")
        try:
            bolt_request = to_async_bolt_request(request, body)
        except _UNREADABLE as exc:
            return _refuse(400, f"not a Slack request this app can read ({type(exc).__name__})")
        note_caller(request.scope, slack_caller(bolt_request.body))
        problem = payload_problem(bolt_request.body)
        if problem is not None:
            return _refuse(400, f"not a Slack request this app can read: {problem}")
        async with self._admission.slot() as admitted:
            if admitted:
                return to_starlette_response(await self._app.async_dispatch(bolt_request))
        self._on_busy()
        return busy_response()

    def _unsigned(self, request: Request, body: bytes) -> str | None:
        """Why the request is not signed by Slack with our secret; None when it is."""
        timestamp = request.headers.get("x-slack-request-timestamp", "")
        signature = request.headers.get("x-slack-signature")
        if not signature or not timestamp:
            return "missing signature"
        # slack_sdk's verifier would raise on a timestamp that is not a number.
        if not timestamp.isdigit():
            return "invalid signature timestamp"
        if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
            return "expired signature (signed over 5 minutes ago, or the clocks differ)"
        try:
            valid = self._verifier.is_valid(body.decode("utf-8"), timestamp, signature)
        except UnicodeDecodeError:
            return "body is not UTF-8"
        return None if valid else "invalid signature (check SLACK_SIGNING_SECRET)"


def _refuse(status: int, reason: str) -> Response:
    return JSONResponse({"error": reason}, status_code=status)
