"""The sandbox's routes in front of the bot's own: the page, its stream and its gestures."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from bot.sandbox.bridge import Bridge, Refused
from bot.sandbox.people import BACKLOG_CHANNEL, PEOPLE, person
from bot.sandbox.render.page import fragments_for, page
from bot.sandbox.workspace import Message, Workspace

STATIC = Path(__file__).parent / "static"
KEEP_ALIVE_SECONDS = 15.0
Handler = Callable[[Bridge, str, dict[str, Any]], Awaitable[Any]]


def sandbox_web(bot_web: ASGIApp, workspace: Workspace, bridge: Bridge) -> Starlette:
    """The page at /, its parts under /sandbox/, and the bot's routes (/slack/events, …)."""

    async def index(request: Request) -> Response:
        user = person(request.query_params.get("as", PEOPLE[0].user_id)).user_id
        where = request.query_params.get("in") or BACKLOG_CHANNEL
        if "as" not in request.query_params:
            return RedirectResponse(f"/?as={user}&in={where}")
        thread = request.query_params.get("thread") or None
        return HTMLResponse(page(workspace, user, where, thread))

    async def fragments(request: Request) -> Response:
        user = person(request.query_params.get("as", "")).user_id
        where = request.query_params.get("in") or BACKLOG_CHANNEL
        thread = request.query_params.get("thread") or None
        return JSONResponse(
            {"version": workspace.version, **fragments_for(workspace, user, where, thread)}
        )

    async def stream(request: Request) -> Response:
        async def events() -> AsyncIterator[str]:
            seen = -1
            while not await request.is_disconnected():
                now = await workspace.wait_change(seen, KEEP_ALIVE_SECONDS)
                yield f"data: {json.dumps({'version': now})}\n\n" if now != seen else ": ping\n\n"
                seen = now

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    def gesture(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                body = await request.json()
                if not isinstance(body, dict):
                    raise TypeError("the body must be a JSON object")
                user = person(str(body.get("user", ""))).user_id
                answer = await handler(bridge, user, body)
            except Refused as exc:
                return JSONResponse({"ok": False, "error": str(exc)}, status_code=422)
            except (ValueError, TypeError, KeyError) as exc:
                # The page's own script sends well-formed gestures; this one is not.
                error = f"malformed request: {type(exc).__name__}: {exc}"
                return JSONResponse({"ok": False, "error": error}, status_code=400)
            return JSONResponse({"ok": True, **(answer or {})})

        return endpoint

    routes = [
        Route("/", index),
        Route("/sandbox/fragments", fragments),
        Route("/sandbox/stream", stream),
        Mount("/sandbox/static", app=StaticFiles(directory=STATIC)),
        *[
            Route(f"/sandbox/{name}", gesture(handler), methods=["POST"])
            for name, handler in _GESTURES.items()
        ],
        Mount("/", app=bot_web),
    ]
    return Starlette(routes=routes)


async def _command(bridge: Bridge, user: str, body: dict[str, Any]) -> None:
    text, channel = str(body.get("text", "")), str(body.get("channel", ""))
    if text.lstrip().startswith("/"):
        await bridge.command(user, channel, text)
        return
    if not text.strip():
        return
    thread = body.get("thread") or None
    message = Message(channel, bridge.workspace.next_ts(), user, text, thread_ts=thread)
    bridge.workspace.post(message)


async def _action(bridge: Bridge, user: str, body: dict[str, Any]) -> None:
    await bridge.action(user, body["origin"], body["action"], body.get("values") or {})


async def _options(bridge: Bridge, user: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"answer": await bridge.options(user, body["origin"], body["action"], body["value"])}


async def _submit(bridge: Bridge, user: str, body: dict[str, Any]) -> None:
    await bridge.submit(user, body.get("values") or {})


async def _close(bridge: Bridge, user: str, _body: dict[str, Any]) -> None:
    await bridge.close_view(user)


async def _shortcut(bridge: Bridge, user: str, body: dict[str, Any]) -> None:
    await bridge.shortcut(user, str(body["channel"]), str(body["ts"]))


async def _home(bridge: Bridge, user: str, _body: dict[str, Any]) -> None:
    await bridge.open_home(user)


async def _dismiss(bridge: Bridge, user: str, _body: dict[str, Any]) -> None:
    bridge.workspace.notices.pop(user, None)
    bridge.workspace.changed()


_GESTURES: dict[str, Handler] = {
    "command": _command,
    "action": _action,
    "options": _options,
    "submit": _submit,
    "close": _close,
    "shortcut": _shortcut,
    "home": _home,
    "dismiss": _dismiss,
}
