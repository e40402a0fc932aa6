"""Socket Mode with the same access lines and request metrics as POST /slack/events."""

from __future__ import annotations

import time

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.http.access import AccessRecorder, Caller, slack_caller


class ObservedSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, recording each request like the HTTP edge does."""

    def __init__(self, app: AsyncApp, app_token: str, recorder: AccessRecorder) -> None:
        super().__init__(app, app_token)
        self._recorder = recorder

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        """Dispatch one request from the socket to Bolt, answer it, record it."""
        started, clock = time.time(), time.perf_counter()
        response = await run_async_bolt_app(self.app, req)
        payload = req.payload
        caller = slack_caller(payload) if isinstance(payload, dict) else Caller()
        reason = None if response.status < 400 else str(response.body)[:200] or None
        self._recorder.record("slack", caller, response.status, time.perf_counter() - clock, reason)
        await send_async_response(client, req, response, started)
