"""Start-up check of the Slack tokens: `auth.test` before serving, one line when it fails."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.settings import README_SETUP_HINT

# Slack's answers that mean the token itself is wrong (not Slack being down).
_REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)


class StartupProblem(Exception):
    """The bot cannot start; the message says what is wrong and what to do."""


async def check_slack(call: Callable[[], Awaitable[Any]], name: str, api_url: str) -> Any:
    """Make `call` (auth.test, or apps.connections.open for an app token) with the token named
    `name`: its answer, or StartupProblem unless Slack knows the token."""
    try:
        return await call()
    except SlackApiError as exc:
        error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
        if error in _REFUSED:
            raise StartupProblem(
                f"Slack refused {name} ({error}): copy the current token from the Slack app's"
                f" settings (reinstall the app if it was revoked; {README_SETUP_HINT})"
            ) from None
        raise StartupProblem(
            f"Slack did not accept {name} ({error}) at {api_url}; try again in a moment"
        ) from None
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        reason = str(exc) or type(exc).__name__
        raise StartupProblem(
            f"cannot reach Slack at {api_url} ({reason}): check the network, a proxy"
            " (HTTPS_PROXY) or SLACK_API_URL, then start again"
        ) from None
