"""The ASGI app: Slack traffic, health check and the ingest API."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from bot.http.admission import Admission, busy_response
from bot.http.ingest.routes import IngestApi
from bot.http.slack_edge import SlackEndpoint
from bot.services.container import Services
from bot.services.core.errors import DatabaseBusy


def build_web(
    app: AsyncApp,
    services: Services,
    api_token: str | None = None,
    *,
    signing_secret: str,
    admission: Admission | None = None,
) -> Starlette:
    """POST /slack/events for every Slack request (signed with `signing_secret`), GET /healthz
    for the load balancer, and the ingest API under /api/ (off, answering 503, without
    `api_token`)."""

    async def healthz(_: Request) -> Response:
        health = await services.health.check()
        payload = {"status": "ok" if health.ok else "unavailable", "database": health.database}
        return JSONResponse(payload, status_code=200 if health.ok else 503)

    slack = SlackEndpoint(app, signing_secret, admission or Admission())
    return Starlette(
        routes=[
            Route("/slack/events", slack.handle, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Mount("/api", routes=IngestApi(services, api_token or None).routes()),
        ],
        exception_handlers={HTTPException: _http_error, DatabaseBusy: _busy},
    )


async def _busy(_: Request, exc: Exception) -> Response:
    """No database connection came free within the pool budget: try again, not a failure."""
    return busy_response()


async def _http_error(_: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer in JSON, like every other refusal."""
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)
