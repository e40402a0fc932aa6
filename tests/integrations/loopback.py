"""A real HTTP upstream on loopback (Starlette under uvicorn) serving pages of orders."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

API_KEY = "loopback-key"


@dataclass
class LoopbackUpstream:
    """Pages by cursor ("1", "2", …); answers 401 without the X-Api-Key header."""

    pages: list[list[dict[str, Any]]]
    failing: bool = False  # answer 503 to everything
    queries: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    async def orders(self, request: Request) -> Response:
        self.queries.append(dict(request.query_params))
        if request.headers.get("x-api-key") != API_KEY:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if self.failing:
            return JSONResponse({"error": "maintenance"}, status_code=503)
        index = int(request.query_params.get("cursor", "0"))
        following = str(index + 1) if index + 1 < len(self.pages) else None
        return JSONResponse({"orders": self.pages[index], "next_cursor": following})


@asynccontextmanager
async def serving(upstream: LoopbackUpstream) -> AsyncIterator[LoopbackUpstream]:
    """Serve `upstream` on 127.0.0.1 at a free port until the block ends."""
    app = Starlette(routes=[Route("/api/orders", upstream.orders, methods=["GET"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes only this flag
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    upstream.url = f"http://127.0.0.1:{port}/api/orders"
    try:
        yield upstream
    finally:
        server.should_exit = True
        await task
