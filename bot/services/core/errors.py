"""The one error hierarchy of the service layer: every refusal a user or client can fix is a
`BacklogError`; entry points turn them into replies, modal field errors or HTTP 4xx.

Feature errors subclass these where they are raised (OrderNotFound in bot.services.orders.reader,
PermissionDenied in bot.services.core.roles, ...).
"""

from __future__ import annotations

import re
from datetime import datetime

from storage.core.pool import DatabaseBusy
from storage.orders.tables import Order

# Raised by storage when the process's connection budget stays exhausted (DATABASE_POOL_SIZE);
# the edges answer it with 503 and Retry-After, like a request admission turned away.
__all__ = ["BUSY_MESSAGE", "DatabaseBusy"]
BUSY_MESSAGE = "too many requests in flight, try again"

_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


def mention(actor: str) -> str:
    """A Slack mention for user ids; other actors (an import, an API client) as they are."""
    return f"<@{actor}>" if _SLACK_USER.fullmatch(actor) else actor


class BacklogError(Exception):
    """A refusal with a message meant for the person or client who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(BacklogError, LookupError):
    """What was asked for does not exist (an order, a subscription, a note, a request)."""


class InvalidInput(BacklogError, ValueError):
    """The request cannot be applied as given; `field` names the input to fix (None: the whole)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


class StaleUpdate(BacklogError):
    """Someone changed the order after the user saw it; `fresh` is the order as it is now."""

    def __init__(self, fresh: Order, changed_by: str | None, changed_at: datetime | None) -> None:
        who = mention(changed_by) if changed_by else "Someone"
        super().__init__(
            f"{who} changed this order after you opened it. "
            "Check the current values and try again if your change still applies."
        )
        self.fresh = fresh
        self.changed_by = changed_by
        self.changed_at = changed_at


class OrderNotFound(NotFound):
    """No order has that id; `suggestions` are ids that look close."""

    def __init__(self, external_id: str, suggestions: list[Order]) -> None:
        super().__init__(external_id)
        self.external_id = external_id
        self.suggestions = suggestions


class ExpediteNotFound(NotFound):
    """No expedite request has that id."""

    def __init__(self, request_id: int) -> None:
        super().__init__(f"no expedite request {request_id}")
        self.request_id = request_id
