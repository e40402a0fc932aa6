"""What the access line and the request metrics cost per request, and what a scrape costs.

Baseline: the same Starlette route without the AccessLog middleware, through the same
in-process ASGI client, in the same run. Records go to a file handler on /dev/null, formatted
as `backlog-bot run` formats them (text and JSON), so the figure includes formatting and I/O.
"""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.cli.logs import TEXT_FORMAT, JsonFormatter
from bot.http.access import AccessLog, AccessRecorder
from bot.http.metrics import Metrics
from bot.services.core.tallies import Tallies

REQUESTS = 3000
ROUNDS = 5


async def _answer(_: Request) -> Response:
    return JSONResponse({"items": []})


def _web(metrics: Metrics | None) -> Starlette:
    middleware = (
        [] if metrics is None else [Middleware(AccessLog, recorder=AccessRecorder(metrics))]
    )
    return Starlette(routes=[Route("/api/orders", _answer)], middleware=middleware)


async def _per_request(web: Starlette, path: str = "/api/orders") -> float:
    """CPU seconds per request (this process's CPU time, so other load on a shared machine
    counts less than in wall time), the best of ROUNDS rounds of REQUESTS requests."""
    best = float("inf")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://b") as c:
        for _ in range(200):
            await c.get(path)
        for _ in range(ROUNDS):
            started = time.process_time()
            for _ in range(REQUESTS):
                await c.get(path)
            best = min(best, (time.process_time() - started) / REQUESTS)
    return best


def _log_to_null(formatter: logging.Formatter) -> None:
    handler = logging.FileHandler("/dev/null")
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


async def _measure() -> None:
    print("\n## Access lines and request metrics (per request, in-process ASGI)\n")
    print("| log format | baseline CPU µs | with access line + metrics µs | added µs | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, formatter in (("text", logging.Formatter(TEXT_FORMAT)), ("json", JsonFormatter())):
        _log_to_null(formatter)
        base = await _per_request(_web(None))
        observed = await _per_request(_web(Metrics(Tallies())))
        cells = [base * 1e6, observed * 1e6, (observed - base) * 1e6]
        row = " | ".join(f"{cell:.0f}" for cell in cells)
        print(f"| {name} | {row} | {observed / base:.2f} |")
    metrics = Metrics(Tallies())
    web = Starlette(routes=[Route("/metrics", metrics.endpoint)])
    scrape = await _per_request(web, "/metrics")
    print(f"\nGET /metrics (no figures source): {scrape * 1e6:.0f} CPU µs per scrape")


def run() -> None:
    asyncio.run(_measure())
