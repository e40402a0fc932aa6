"""Typed errors of the service layer; entry points turn them into replies or field errors.

OrderNotFound lives in bot.services.orders.reader (the read side raises it too).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from storage.orders.tables import Order

if TYPE_CHECKING:
    from bot.services.core.roles import Role

_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


def mention(actor: str) -> str:
    """A Slack mention for user ids; other actors (an import, an API client) as they are."""
    return f"<@{actor}>" if _SLACK_USER.fullmatch(actor) else actor


class InvalidInput(ValueError):
    """The request cannot be applied as given; `field` names the input to fix (None: the whole)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class StaleUpdate(Exception):
    """Someone changed the order after the user saw it; `fresh` is the order as it is now."""

    def __init__(self, fresh: Order, changed_by: str | None, changed_at: datetime | None) -> None:
        who = mention(changed_by) if changed_by else "Someone"
        self.message = (
            f"{who} changed this order after you opened it. "
            "Check the current values and try again if your change still applies."
        )
        super().__init__(self.message)
        self.fresh = fresh
        self.changed_by = changed_by
        self.changed_at = changed_at


class PermissionDenied(PermissionError):
    """The user's role is below what the action needs."""

    def __init__(
        self, user_id: str, needed: Role, actual: Role, action: str = "change orders"
    ) -> None:
        self.message = (
            f"Only {needed.holders} can {action}; you have {actual.value} access. "
            "Ask an admin (BACKLOG_ADMINS) to add you."
        )
        super().__init__(self.message)
        self.user_id = user_id
        self.needed = needed
        self.actual = actual


class ExpediteNotFound(LookupError):
    """No expedite request has that id."""

    def __init__(self, request_id: int) -> None:
        super().__init__(f"no expedite request {request_id}")
        self.request_id = request_id
