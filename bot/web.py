"""The ASGI app: Slack traffic, health check and the ingest API."""

from __future__ import annotations

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from bot.admission import Admission
from bot.api.routes import IngestApi
from bot.services.container import Services

# Slack payloads are small; a 1 MiB cap refuses abuse before Bolt parses anything. The ingest
# API has its own, larger cap (bot.api.openapi.MAX_BODY_BYTES) for batches of 1,000 orders.
MAX_BODY_BYTES = 1 << 20


def build_web(
    app: AsyncApp,
    services: Services,
    api_token: str | None = None,
    admission: Admission | None = None,
) -> Starlette:
    """POST /slack/events for every Slack request, GET /healthz for the load balancer, and
    the ingest API under /api/ (off, answering 503, without `api_token`)."""
    handler = AsyncSlackRequestHandler(app)
    admission = admission or Admission()

    async def slack_events(request: Request) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return JSONResponse({"error": "request body too large"}, status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "request body too large"}, status_code=413)
        async with admission.slot() as admitted:
            if admitted:
                return await handler.handle(request)
        busy = {"error": "too many requests in flight, try again"}
        return JSONResponse(busy, status_code=503, headers={"Retry-After": "1"})

    async def healthz(_: Request) -> Response:
        health = await services.health.check()
        payload = {"status": "ok" if health.ok else "unavailable", "database": health.database}
        return JSONResponse(payload, status_code=200 if health.ok else 503)

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Mount("/api", routes=IngestApi(services, api_token or None).routes()),
        ],
        exception_handlers={HTTPException: _http_error},
    )


async def _http_error(_: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer in JSON, like every other refusal."""
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)
