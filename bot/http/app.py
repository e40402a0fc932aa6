"""The ASGI app: Slack traffic, health check, metrics and the ingest API."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from bot.bootstrap.container import Services
from bot.http.access import AccessLog, AccessRecorder
from bot.http.admission import Admission, busy_response
from bot.http.ingest.routes import IngestApi
from bot.http.metrics import Metrics
from bot.http.slack_edge import SlackEndpoint
from bot.services.core.errors import DatabaseBusy

SOCKET_MODE_REASON = (
    "this bot receives Slack requests over Socket Mode (SLACK_APP_TOKEN is set);"
    " POST /slack/events is off"
)


def build_web(
    app: AsyncApp,
    services: Services,
    api_token: str | None = None,
    *,
    signing_secret: str,
    admission: Admission | None = None,
    socket_mode: bool = False,
    metrics: Metrics | None = None,
) -> Starlette:
    """POST /slack/events for every Slack request (signed with `signing_secret`; answering
    404 with the reason in Socket Mode), GET /healthz for the load balancer, GET /metrics for
    Prometheus, and the ingest API under /api/ (off, answering 503, without `api_token`).
    The app's Metrics are at `web.state.metrics` (Socket Mode feeds them too)."""

    async def healthz(_: Request) -> Response:
        health = await services.health.check()
        payload = {"status": "ok" if health.ok else "unavailable", "database": health.database}
        return JSONResponse(payload, status_code=200 if health.ok else 503)

    metrics = metrics or Metrics(services.tallies, services.home.figures)
    if socket_mode:
        slack_route = Route("/slack/events", _socket_mode_only, methods=["POST"])
    else:
        admitted = admission or Admission()
        slack = SlackEndpoint(app, signing_secret, admitted, metrics.admission_refused)
        slack_route = Route("/slack/events", slack.handle, methods=["POST"])
    api = IngestApi(services, api_token or None, metrics.import_rows)
    web = Starlette(
        routes=[
            slack_route,
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics.endpoint, methods=["GET"]),
            Mount("/api", routes=api.routes()),
        ],
        middleware=[Middleware(AccessLog, recorder=AccessRecorder(metrics))],
        exception_handlers={HTTPException: _http_error, DatabaseBusy: _busy},
    )
    web.state.metrics = metrics
    return web


async def _socket_mode_only(_: Request) -> Response:
    return JSONResponse({"error": SOCKET_MODE_REASON}, status_code=404)


async def _busy(_: Request, exc: Exception) -> Response:
    """No database connection came free within the pool budget: try again, not a failure."""
    return busy_response()


async def _http_error(_: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer in JSON, like every other refusal."""
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)
