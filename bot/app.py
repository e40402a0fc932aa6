"""The composition root of the Slack app: one AsyncApp wired to settings and services."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners import register_listeners
from bot.listeners.background import Background
from bot.listeners.respond import pooled_respond
from bot.services.container import Services
from bot.settings import Settings

log = logging.getLogger(__name__)
# slack_sdk leaves rate-limit retries off; Slack's 429 carries Retry-After, which this honours.
RATE_LIMIT_RETRIES = 3


def build_client(settings: Settings, session: aiohttp.ClientSession) -> AsyncWebClient:
    """The Web API client: Slack (or a fake) at SLACK_API_URL, one shared HTTP session."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        session=session,
        timeout=10,
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
) -> AsyncApp:
    """An AsyncApp with every listener registered and one error handler."""
    secret = settings.slack_signing_secret
    app = AsyncApp(
        client=build_client(settings, session),
        signing_secret=secret.get_secret_value() if secret else "",
        # Ack is returned when the listener finishes: no 10 ms ack polling per request.
        # Listeners therefore ack first and leave slow work to lazy listeners.
        process_before_response=True,
        logger=_slack_logger(),
    )
    app.error(_log_error)
    app.middleware(pooled_respond(session))
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


async def _log_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> None:
    """The one place unexpected listener errors end up: logged with their traceback."""
    kind = body.get("type") or body.get("command") or "request"
    logger.error("unhandled error in %s listener", kind, exc_info=error)
