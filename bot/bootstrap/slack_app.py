"""The composition root of the Slack app: one AsyncApp wired to settings and services."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit.replies import slack_unavailable_text
from bot.bootstrap.container import Services
from bot.bootstrap.listeners import register_listeners
from bot.delivery.core.pacing import ChannelPacer, PacedWebClient
from bot.delivery.core.slack_errors import UNREACHABLE, unavailable
from bot.listeners.core.background import Background
from bot.listeners.core.event_dedup import EventDedup
from bot.listeners.core.paced_client import PacedClientMiddleware
from bot.listeners.core.respond import PooledRespondMiddleware
from bot.services.core.errors import BUSY_MESSAGE, DatabaseBusy
from bot.settings import Settings

log = logging.getLogger(__name__)
_BUSY_HEADERS: dict[str, str | Sequence[str]] = {
    "content-type": "application/json",
    "retry-after": "1",
}
# slack_sdk leaves rate-limit retries off; Slack's 429 carries Retry-After, which this honours.
RATE_LIMIT_RETRIES = 3


def slack_session(settings: Settings) -> aiohttp.ClientSession:
    """The HTTP session every call to Slack shares (Web API and response_url).

    The session's timeout is the one that counts: slack_sdk applies its own `timeout` only
    to sessions it opens itself, so a shared session would otherwise wait aiohttp's 5 minutes.
    """
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=settings.slack_timeout_seconds)
    )


def build_client(
    settings: Settings, session: aiohttp.ClientSession, pacer: ChannelPacer | None = None
) -> AsyncWebClient:
    """The Web API client: Slack (or a fake) at SLACK_API_URL, one shared HTTP session, messages
    paced per channel by `pacer` (a new one, the process's, when not given)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return PacedWebClient(
        pacer or ChannelPacer(settings.slack_message_interval_seconds),
        token=token,
        base_url=settings.slack_api_url,
        session=session,
        timeout=settings.slack_timeout_seconds,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def build_app(
    settings: Settings,
    services: Services,
    session: aiohttp.ClientSession,
    background: Background | None = None,
    pacer: ChannelPacer | None = None,
) -> AsyncApp:
    """An AsyncApp with every listener registered and one error handler; its client (which the
    jobs share) paces messages with `pacer`."""
    secret = settings.slack_signing_secret
    # The process's one pacer: the jobs post through app.client, listeners through copies.
    pacer = pacer or ChannelPacer(settings.slack_message_interval_seconds)
    app = AsyncApp(
        client=build_client(settings, session, pacer),
        signing_secret=secret.get_secret_value() if secret else "",
        # Ack is returned when the listener finishes: no 10 ms ack polling per request.
        # Listeners therefore ack first and leave slow work to lazy listeners.
        process_before_response=True,
        logger=_slack_logger(),
    )
    dedup = EventDedup(services.event_receipts)
    app.use(dedup)
    app.error(_ErrorLog(dedup).handle)
    app.use(PooledRespondMiddleware(session))
    app.use(PacedClientMiddleware(pacer))
    register_listeners(app, services, background)
    return app


def _slack_logger() -> logging.Logger:
    logger = logging.getLogger("bot.slack")
    logger.addFilter(_skip_token_notice)
    return logger


def _skip_token_notice(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN from the environment even when given a client carrying it,
    # then warns at every start that the token is unused; the client has the same token.
    return not record.getMessage().startswith("As you gave `client` as well")


class _ErrorLog:
    """The one place listener errors end up."""

    def __init__(self, dedup: EventDedup) -> None:
        self._dedup = dedup

    async def handle(
        self,
        error: Exception,
        body: dict[str, Any],
        logger: logging.Logger,
        respond: AsyncRespond | None,
    ) -> BoltResponse | None:
        """Unexpected errors are logged with their traceback (Slack shows its own error). When
        Slack itself failed (a 429 past the retries, a 5xx, a timeout, a dropped connection)
        the user is told so in an ephemeral reply instead. A failed event is left for Slack's
        retry to handle."""
        await self._dedup.forget_failed(body)
        kind = body.get("type") or body.get("command") or "request"
        if isinstance(error, DatabaseBusy):
            # The process's connection budget is spent: 503 like admission's refusal (Slack
            # retries events; a user sees Slack's own "try again"), not a 500 for a failure.
            logger.warning("%s listener refused: every database connection is busy", kind)
            refusal = json.dumps({"error": BUSY_MESSAGE})
            return BoltResponse(status=503, body=refusal, headers=_BUSY_HEADERS)
        reason = unavailable(error)
        if reason is None:
            logger.error("unhandled error in %s listener", kind, exc_info=error)
            return None
        logger.warning("%s listener gave up: %s", kind, reason)
        return await _tell_slack_failed(respond, reason, logger)


async def _tell_slack_failed(
    respond: AsyncRespond | None, reason: str, logger: logging.Logger
) -> BoltResponse | None:
    """The ephemeral notice, answered 200: the user has been told, Slack need not say more."""
    if respond is None:
        return None
    try:
        text = slack_unavailable_text(reason)
        await respond(response_type="ephemeral", replace_original=False, text=text)
    except UNREACHABLE as exc:
        logger.warning("could not tell the user either: %r", exc)
        return None
    return BoltResponse(status=200, body="")
