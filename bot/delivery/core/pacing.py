"""Slack's pace: about one message per second per channel, for every poster of a process.

Slack answers a faster poster with 429 and Retry-After; waiting for the turn beforehand keeps
a long digest thread, an alert burst and a weekly report to one channel from tripping it (and
from making the client's retries sleep out of order). One `ChannelPacer` per process, shared
through the one Web API client every listener and job uses.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

# Slack: "1 message per second per channel, short bursts allowed" (chat.postMessage limits).
MESSAGE_INTERVAL_SECONDS = 1.0

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class ChannelPacer:
    """Hands out one turn per channel every `interval` seconds, in the order asked."""

    def __init__(
        self,
        interval: float = MESSAGE_INTERVAL_SECONDS,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}  # channel -> earliest time of its next message

    async def turn(self, channel: str) -> None:
        """Wait until `channel` may receive the next message (its slot is reserved at once,
        so concurrent posters queue up in the order they asked)."""
        now = self._clock()
        slot = max(now, self._next.get(channel, now))
        self._next[channel] = slot + self._interval
        if len(self._next) > 10_000:  # forget channels whose turn passed long ago
            self._next = {c: t for c, t in self._next.items() if t > now}
        if slot > now:
            await self._sleep(slot - now)


class PacedWebClient(AsyncWebClient):
    """The Web API client whose chat.postMessage waits for the channel's turn."""

    def __init__(self, pacer: ChannelPacer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pacer = pacer

    async def chat_postMessage(self, *, channel: str, **kwargs: Any) -> AsyncSlackResponse:
        await self.pacer.turn(channel)
        return await super().chat_postMessage(channel=channel, **kwargs)


def paced(client: AsyncWebClient, pacer: ChannelPacer) -> PacedWebClient:
    """A copy of `client` (Bolt builds one per request) that waits for `pacer`'s turns."""
    return PacedWebClient(
        pacer,
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        session=client.session,
        trust_env_in_session=client.trust_env_in_session,
        headers=client.headers,
        team_id=client.default_params.get("team_id"),
        logger=client.logger,
        retry_handlers=list(client.retry_handlers) if client.retry_handlers else None,
    )
