"""Posting a digest to Slack: the main message, then thread replies; 429s wait as told.

Shared by the delivery job and the listeners that post on request (test digest, "post all").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.digest import DigestMessage

log = logging.getLogger(__name__)
# After the client's own retries (bot.app.RATE_LIMIT_RETRIES) a digest keeps waiting this many
# more times: a long digest's thread may outrun the channel's ~1 message per second.
RATE_LIMIT_WAITS = 5
_DEFAULT_WAIT_SECONDS = 1.0
# Answers that say "not now" rather than "never": the slot is retried, not marked failed.
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)

Progress = Callable[[str, int], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code ("not_in_channel"), or the HTTP status when the body has none."""
    error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
    return str(error or f"http_{exc.response.status_code}")


def is_transient(exc: SlackApiError) -> bool:
    status = exc.response.status_code
    return status == 429 or status >= 500 or slack_error(exc) in TRANSIENT_ERRORS


class DigestPoster:
    """Posts a digest's messages in order, resuming after the ones already out."""

    def __init__(self, client: AsyncWebClient, sleep: Sleep = asyncio.sleep) -> None:
        self._client = client
        self._sleep = sleep

    async def post(
        self,
        channel: str,
        messages: Sequence[DigestMessage],
        *,
        thread_ts: str | None = None,
        already: int = 0,
        progress: Progress | None = None,
    ) -> str:
        """Post messages[already:]; the first into the channel unless `thread_ts` names a
        message whose thread receives the rest. Returns the thread's parent ts.
        """
        parent = thread_ts
        for index, message in enumerate(messages):
            if index < already and parent is not None:
                continue
            response = await self.send(
                channel=channel, text=message.text, blocks=message.blocks, thread_ts=parent
            )
            parent = parent or str(response["ts"])
            if progress is not None:
                await progress(parent, index + 1)
        if parent is None:
            raise ValueError("a digest has at least one message")
        return parent

    async def send(self, **args: Any) -> Any:
        """chat.postMessage, waiting out 429s (Retry-After) up to RATE_LIMIT_WAITS times."""
        args = {k: v for k, v in args.items() if v is not None}
        for attempt in range(RATE_LIMIT_WAITS + 1):
            try:
                return await self._client.chat_postMessage(**args)
            except SlackApiError as exc:
                if exc.response.status_code != 429 or attempt == RATE_LIMIT_WAITS:
                    raise
                wait = retry_after(exc)
                log.info("rate limited posting to %s; waiting %.0f s", args.get("channel"), wait)
                await self._sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def tell(self, user_id: str, text: str) -> None:
        """A direct message from the bot (conversations.open, then chat.postMessage)."""
        opened = await self._client.conversations_open(users=user_id)
        channel = (opened.get("channel") or {}).get("id") or user_id
        await self.send(channel=channel, text=text)


def retry_after(exc: SlackApiError) -> float:
    """Seconds Slack asks to wait (the Retry-After header), 1 when it does not say."""
    for name, value in (exc.response.headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(float(value), 0.0)
            except (TypeError, ValueError):
                break
    return _DEFAULT_WAIT_SECONDS
