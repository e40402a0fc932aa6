"""Posting a digest to Slack: the main message, then thread replies; 429s wait as told.

Shared by the delivery job and the listeners that post on request (test digest, "post all"):
`DigestSender` posts one delivery and records the outcome, `DigestPoster` makes the calls.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import tzinfo
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.digests.continuation import show_all_value
from bot.blocks.digests.message import DigestHeading, DigestMessage, build_digest
from bot.blocks.digests.notices import delivery_problem, digest_scope
from bot.blocks.kit.wire import to_wire
from bot.delivery.core.slack_errors import is_transient, slack_error
from bot.services.digests.delivery import CHANNEL_ERRORS, Delivery, DigestDeliveries

log = logging.getLogger(__name__)
# After the client's own retries (bot.bootstrap.slack_app.RATE_LIMIT_RETRIES) a digest keeps
# waiting this many more times: a long digest's thread may outrun the channel's ~1 message per
# second.
RATE_LIMIT_WAITS = 5
_DEFAULT_WAIT_SECONDS = 1.0
# Answers that say "not now" rather than "never": the slot is retried, not marked failed.

# What DigestSender.send answers when the slot was taken over (by another process, or another
# job run of this one) while this post stood still past the lease: frozen, or waiting on Slack
# that long. The new holder finishes the digest.
TAKEN_OVER = "taken_over"

Progress = Callable[[str, int], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


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
                channel=channel, text=message.text, blocks=to_wire(message.blocks), thread_ts=parent
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


def heading_for(delivery: Delivery, show_all: bool = True) -> DigestHeading:
    """The digest's title line as its subscription describes it."""
    sub = delivery.subscription
    button = None
    if show_all and delivery.content.more and sub.id is not None:
        button = show_all_value(sub.id, delivery.test)
    return DigestHeading(
        scope=digest_scope(sub), test=delivery.test, show_all=button, max_rows=sub.max_rows
    )


class _TakenOver(Exception):
    """Someone else holds the delivery's claim now: this post stops."""


class DigestSender:
    """Posts (or skips) one delivery and records how it went; never raises for Slack's answer."""

    def __init__(self, deliveries: DigestDeliveries, client: AsyncWebClient, zone: tzinfo) -> None:
        self._deliveries = deliveries
        self._zone = zone
        self.poster = DigestPoster(client)

    async def send(self, delivery: Delivery) -> str | None:
        """None when posted (or skipped); otherwise Slack's error code, already recorded, or
        TAKEN_OVER."""
        if delivery.skip:
            return (
                None if await self._deliveries.delivered(delivery, None) else self._lost(delivery)
            )
        messages = build_digest(delivery.content, heading_for(delivery), self._zone)

        async def progress(parent: str, posted: int) -> None:
            # Without the claim, every further message would repeat the new holder's.
            if not await self._deliveries.progress(delivery, parent, posted):
                raise _TakenOver

        try:
            ts = await self.poster.post(
                delivery.subscription.channel_id, messages, thread_ts=delivery.message_ts,
                already=delivery.parts_posted, progress=progress,
            )  # fmt: skip
        except _TakenOver:
            return self._lost(delivery)
        except SlackApiError as exc:
            return await self._refused(delivery, exc)
        except (aiohttp.ClientError, TimeoutError) as exc:
            await self._deliveries.interrupted(delivery, f"unreachable: {type(exc).__name__}")
            log.warning("digest %s: Slack unreachable (%s)", delivery.subscription.id, exc)
            return "unreachable"
        return None if await self._deliveries.delivered(delivery, ts) else self._lost(delivery)

    def _lost(self, delivery: Delivery) -> str:
        claim = delivery.claim
        log.warning(
            "digest %s slot %s: taken over while this post stood still past the lease;"
            " leaving the rest to the new holder",
            delivery.subscription.id, claim.slot_key if claim else None,
        )  # fmt: skip
        return TAKEN_OVER

    async def _refused(self, delivery: Delivery, exc: SlackApiError) -> str:
        error = slack_error(exc)
        sub = delivery.subscription
        if is_transient(exc):
            log.warning("digest %s: Slack said %s; the slot is retried", sub.id, error)
            await self._deliveries.interrupted(delivery, error)
            return error
        log.error("digest %s to %s: Slack refused it (%s)", sub.id, sub.channel_id, error)
        news = await self._deliveries.failed(delivery, error)
        # A test is answered to the person who asked; a scheduled failure goes to the creator.
        if news and error in CHANNEL_ERRORS and not delivery.test:
            await self._tell_creator(delivery, error)
        return error

    async def _tell_creator(self, delivery: Delivery, error: str) -> None:
        sub = delivery.subscription
        try:
            await self.poster.tell(sub.created_by, delivery_problem(sub, error))
        except SlackApiError as exc:
            log.warning(
                "cannot DM %s about digest %s: %s", sub.created_by, sub.id, slack_error(exc)
            )
