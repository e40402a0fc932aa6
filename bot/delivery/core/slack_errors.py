"""Telling "Slack cannot take this now" (try again later) from "Slack says no" (give up).

A 429 past the client's retries, a 5xx, a timeout or a dropped connection is Slack (or the way
to it) being unavailable for a moment: alerts wait for the next run, a click gets a notice.
Anything else Slack answers (channel_not_found, not_in_channel, …) is final.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError

# Error codes Slack sends with HTTP 200 that still mean "later".
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)
# What a call to Slack raises when no answer came back: aiohttp's own errors, a timeout.
UNREACHABLE = (aiohttp.ClientError, TimeoutError)


def unavailable(exc: BaseException) -> str | None:
    """Why Slack could not take the call now, or None when `exc` is no such failure."""
    if isinstance(exc, SlackApiError):
        if is_transient(exc):
            return f"Slack answered {exc.response.status_code} {slack_error(exc)}"
        return None
    if isinstance(exc, TimeoutError):
        return "Slack did not answer in time"
    if isinstance(exc, aiohttp.ClientError):
        return f"Slack unreachable: {exc!r}"
    return None


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code ("not_in_channel"), or the HTTP status when the body has none."""
    error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
    return str(error or f"http_{exc.response.status_code}")


def is_transient(exc: SlackApiError) -> bool:
    """A 429, a 5xx or an error code that means "later": worth another try."""
    status = exc.response.status_code
    return status == 429 or status >= 500 or slack_error(exc) in TRANSIENT_ERRORS
