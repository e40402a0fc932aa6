"""Listeners post through the process's pacer too, installed as a global middleware."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.delivery.core.pacing import ChannelPacer, paced


class PacedClientMiddleware(AsyncMiddleware):
    """Bolt hands each request a client of its own, built from the app's but of the plain
    class: this one swaps in a copy that shares the process's per-channel pacer, so a listener's
    "Post all in thread" and the digest job take turns in the same channel."""

    def __init__(self, pacer: ChannelPacer) -> None:
        self._pacer = pacer

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        client = req.context.client
        if client is not None:
            req.context["client"] = paced(client, self._pacer)
        return await next()
