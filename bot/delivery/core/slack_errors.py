"""Telling "Slack cannot take this now" (try again later) from "Slack says no" (give up).

A 429 past the client's retries, a 5xx, a timeout or a dropped connection is Slack (or the way
to it) being unavailable for a moment: alerts wait for the next run, a click gets a notice.
Anything else Slack answers (channel_not_found, not_in_channel, …) is final.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError

# Error codes Slack sends with HTTP 200 that still mean "later".
_TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)
# What a call to Slack raises when no answer came back: aiohttp's own errors, a timeout.
UNREACHABLE = (aiohttp.ClientError, TimeoutError)


def unavailable(exc: BaseException) -> str | None:
    """Why Slack could not take the call now, or None when `exc` is no such failure."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        error = slack_error(exc)
        if status == 429 or status >= 500 or error in _TRANSIENT_ERRORS:
            return f"Slack answered {status} {error}"
        return None
    if isinstance(exc, TimeoutError):
        return "Slack did not answer in time"
    if isinstance(exc, aiohttp.ClientError):
        return f"Slack unreachable: {exc!r}"
    return None


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code, e.g. `channel_not_found`."""
    return str(exc.response.get("error") or "unknown_error")
