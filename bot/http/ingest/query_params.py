"""Query strings and cursors of GET /api/orders, read into what the order reader takes."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from starlette.datastructures import QueryParams

from bot.http.ingest.models import Problem
from bot.http.ingest.openapi import DEFAULT_PAGE, MAX_PAGE
from storage.orders.tables import OrderStatus

_STATUSES = ", ".join(s.value for s in OrderStatus)
_BOOLEANS = {"true": True, "false": False}


class QueryProblems(ValueError):
    """Query parameters that cannot be read, each with its reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ListQuery:
    """A listing request: filters, page size and where to continue."""

    statuses: frozenset[OrderStatus]
    lagging: bool | None
    limit: int
    after: str | None
    params: dict[str, str]  # the filters as given, to build the next link

    @classmethod
    def read(cls, query: QueryParams) -> ListQuery:
        """The request's parameters, or QueryProblems naming every bad one."""
        problems: list[Problem] = []
        statuses = _statuses(",".join(query.getlist("status")), problems)
        lagging = _lagging(query.get("lagging"), problems)
        limit = _limit(query.get("limit"), problems)
        after = _cursor(query.get("cursor"), problems)
        if problems:
            raise QueryProblems(problems)
        params = {name: query[name] for name in ("status", "lagging", "limit") if name in query}
        if "status" in params:
            params["status"] = ",".join(sorted(statuses))
        return cls(statuses, lagging, limit, after, params)


def encode_cursor(external_id: str) -> str:
    """An opaque cursor for "after this order id"."""
    return base64.urlsafe_b64encode(external_id.encode()).decode().rstrip("=")


def _statuses(text: str, problems: list[Problem]) -> frozenset[OrderStatus]:
    found: set[OrderStatus] = set()
    for word in (part.strip().lower() for part in text.split(",")):
        if not word:
            continue
        try:
            found.add(OrderStatus(word))
        except ValueError:
            reason = f"unknown status {word!r} ({_STATUSES})"
            problems.append(Problem(field="status", reason=reason))
    return frozenset(found)


def _lagging(text: str | None, problems: list[Problem]) -> bool | None:
    if text is None:
        return None
    if text.strip().lower() not in _BOOLEANS:
        problems.append(Problem(field="lagging", reason=f"must be true or false, not {text!r}"))
        return None
    return _BOOLEANS[text.strip().lower()]


def _limit(text: str | None, problems: list[Problem]) -> int:
    if text is None:
        return DEFAULT_PAGE
    stripped = text.strip()
    digits = stripped.isascii() and stripped.isdigit() and len(stripped) <= len(str(MAX_PAGE))
    if not digits or not 1 <= int(stripped) <= MAX_PAGE:
        reason = f"must be a whole number from 1 to {MAX_PAGE}, not {text!r}"
        problems.append(Problem(field="limit", reason=reason))
        return DEFAULT_PAGE
    return int(stripped)


def _cursor(text: str | None, problems: list[Problem]) -> str | None:
    if text is None:
        return None
    try:
        padded = text + "=" * (-len(text) % 4)
        after = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (ValueError, binascii.Error):  # UnicodeError is a ValueError
        after = None
    if not after or "\x00" in after or encode_cursor(after) != text:
        problems.append(Problem(field="cursor", reason="not a cursor this API returned"))
        return None
    return after
