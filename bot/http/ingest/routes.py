"""The ingest API's HTTP edge: bearer auth, body cap, JSON in and out, errors as 4xx."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.bootstrap.container import Services
from bot.http.ingest.models import (
    ErrorOut,
    OrderListOut,
    Problem,
    batch_out,
    order_out,
    patch_out,
)
from bot.http.ingest.openapi import MAX_BODY_BYTES, build_openapi
from bot.http.ingest.query_params import ListQuery, QueryProblems, encode_cursor
from bot.services.core.errors import OrderNotFound
from bot.services.ingest import (
    MAX_BATCH,
    BatchProblem,
    IdempotencyProblem,
    KeyProblem,
    PatchProblem,
    Verdict,
)
from bot.services.ingest.order_fields import TEXT_LIMITS
from bot.services.ingest.order_writer import Outcome

Handler = Callable[[Request], Awaitable[Response]]
# Called with ("api", outcome, count) for the items of every batch that was not a replay.
RowCounter = Callable[[str, str, int], None]
_VERDICT_STATUS = {Verdict.ACCEPTED: 200, Verdict.PARTIAL: 207, Verdict.REJECTED: 422}
_KEY_STATUS = {KeyProblem.MALFORMED: 400, KeyProblem.REUSED: 422, KeyProblem.BUSY: 409}
_CHALLENGE = 'Bearer realm="backlog"'


class IngestApi:
    """POST and GET /api/orders, GET and PATCH /api/orders/{order_id}, GET /api/openapi.json.

    Without BACKLOG_API_TOKEN every order route answers 503 (the API is off, not broken);
    the OpenAPI document is public: it holds no data.
    """

    def __init__(
        self, services: Services, token: str | None, count_rows: RowCounter | None = None
    ) -> None:
        self._ingest = services.ingest
        self._count_rows = count_rows
        self._orders = services.orders
        # Digests of equal length: comparing them takes the same time for any guess.
        self._token = hashlib.sha256(token.encode()).digest() if token else None
        self._openapi = json.dumps(build_openapi()).encode()

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/openapi.json", self.openapi, methods=["GET"]),
            Route("/orders", self._guarded(self.post_orders), methods=["POST"]),
            Route("/orders", self._guarded(self.list_orders), methods=["GET"]),
            Route("/orders/{order_id:path}", self._guarded(self.get_order), methods=["GET"]),
            Route("/orders/{order_id:path}", self._guarded(self.patch_order), methods=["PATCH"]),
        ]

    async def openapi(self, _: Request) -> Response:
        return Response(self._openapi, media_type="application/json")

    async def post_orders(self, request: Request) -> Response:
        """Upsert one order or a batch; 200 all landed, 207 some, 422 none."""
        try:
            body = await _json_body(request)
        except _Refused as refused:
            return refused.response
        try:
            # The service tells retries apart by the body's canonical JSON, not its bytes.
            result = await self._ingest.submit(body, request.headers.get("idempotency-key"))
        except BatchProblem as exc:
            return _error(422, str(exc))
        except IdempotencyProblem as exc:
            return _error(_KEY_STATUS[exc.kind], str(exc))
        if self._count_rows is not None and not result.replayed:
            for outcome in Outcome:
                self._count_rows("api", outcome.value, result.count(outcome))
        headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return _json(_VERDICT_STATUS[result.verdict], batch_out(result), headers)

    async def patch_order(self, request: Request) -> Response:
        """Change some fields of one order; 404 unknown, 422 a field cannot be read."""
        order_id = str(request.path_params["order_id"])
        if not _storable_id(order_id):
            return _error(404, "no order has this id")
        try:
            body = await _json_body(request)
        except _Refused as refused:
            return refused.response
        try:
            item = await self._ingest.patch(order_id, body)
            detail = await self._orders.detail(order_id)
        except OrderNotFound:
            return _error(404, f"no order has the id {order_id!r}")
        except PatchProblem as exc:
            problems = [Problem(field=p.field, reason=p.reason) for p in exc.problems]
            return _error(422, "the change cannot be applied", problems)
        return _json(200, patch_out(item, detail))

    async def get_order(self, request: Request) -> Response:
        order_id = str(request.path_params["order_id"])
        if not _storable_id(order_id):
            return _error(404, "no order has this id")
        try:
            detail = await self._orders.detail(order_id)
        except OrderNotFound:
            return _error(404, f"no order has the id {order_id!r}")
        return _json(200, order_out(detail))

    async def list_orders(self, request: Request) -> Response:
        try:
            query = ListQuery.read(request.query_params)
        except QueryProblems as exc:
            return _error(422, "a query parameter cannot be read", exc.problems)
        scan = await self._orders.scan(query.statuses, query.lagging, query.after, query.limit)
        cursor = encode_cursor(scan.next_after) if scan.next_after is not None else None
        link = f"/api/orders?{urlencode(query.params | {'cursor': cursor})}" if cursor else None
        page = OrderListOut(
            items=[order_out(item) for item in scan.items], next_cursor=cursor, next=link
        )
        return _json(200, page, {"Link": f'<{link}>; rel="next"'} if link else {})

    def _guarded(self, handler: Handler) -> Handler:
        async def guarded(request: Request) -> Response:
            refusal = self._refusal(request)
            return refusal if refusal is not None else await handler(request)

        return guarded

    def _refusal(self, request: Request) -> Response | None:
        if self._token is None:
            return _error(503, "the ingest API is off: set BACKLOG_API_TOKEN to turn it on")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            reason = "send the token as Authorization: Bearer BACKLOG_API_TOKEN"
            return _error(401, reason, headers={"WWW-Authenticate": _CHALLENGE})
        digest = hashlib.sha256(given.strip().encode("utf-8", "surrogateescape")).digest()
        if not hmac.compare_digest(digest, self._token):
            challenge = f'{_CHALLENGE}, error="invalid_token"'
            return _error(401, "the bearer token is wrong", headers={"WWW-Authenticate": challenge})
        return None


def _storable_id(order_id: str) -> bool:
    # No stored id is longer or holds NUL (which PostgreSQL cannot even compare).
    return len(order_id) <= TEXT_LIMITS["order_id"] and "\x00" not in order_id


class _Refused(Exception):
    """A body refused before it reaches a service; `response` says why (415, 413 or 400)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def _json_body(request: Request) -> Any:
    """The parsed JSON body; _Refused when it is not JSON, too large or another media type."""
    media = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if media.lower() != "application/json" and not media.lower().endswith("+json"):
        raise _Refused(_error(415, f"send the orders as application/json, not {media!r}"))
    raw = await _read_capped(request)
    if raw is None:
        limit = f"{MAX_BODY_BYTES >> 20} MiB"
        raise _Refused(_error(413, f"the body is over {limit}; send at most {MAX_BATCH:,} orders"))
    try:
        return _parse_json(raw)
    except (ValueError, RecursionError) as exc:
        raise _Refused(_error(400, f"the body is not valid JSON: {exc}")) from exc


async def _read_capped(request: Request) -> bytes | None:
    """The body, or None as soon as it is known to be over MAX_BODY_BYTES."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_json(raw: bytes) -> Any:
    if not raw.strip():
        raise ValueError("the body is empty")
    # Decimals keep quantities and values exact; NaN and Infinity are not JSON.
    return json.loads(raw, parse_float=Decimal, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _json(status: int, model: BaseModel, headers: dict[str, str] | None = None) -> Response:
    # ASCII escapes: a client's lone surrogate, echoed in a reason, still encodes.
    body = json.dumps(model.model_dump(mode="json"), ensure_ascii=True)
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def _error(
    status: int,
    reason: str,
    problems: list[Problem] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return _json(status, ErrorOut(error=reason, problems=problems or []), headers)
