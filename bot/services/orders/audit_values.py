"""How a field's value reads in an order's audit trail (the event log's old and new values)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def as_text(value: Any) -> str | None:
    """How a value reads in the audit trail."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)
