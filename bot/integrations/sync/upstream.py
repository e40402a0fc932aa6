"""The upstream order system over HTTP (httpx): auth, pagination, timeouts, retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from bot.services.sync import SourceFailed, SourcePage

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


class Pagination(StrEnum):
    """How the upstream pages its answers."""

    CURSOR = "cursor"  # ?cursor=TOKEN&limit=N; the answer names the next cursor
    PAGE = "page"  # ?page=N&per_page=N from 1; a short or empty page is the last


@dataclass(frozen=True)
class UpstreamConfig:
    """Where and how to ask; `headers` carry the credentials (bearer or a custom header)."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    pagination: Pagination = Pagination.CURSOR
    page_size: int = 100
    items_field: str = "orders"  # dotted path to the list of records; "" when the body is it
    cursor_field: str = "next_cursor"  # dotted path to the next cursor (cursor pagination)
    since_param: str = "updated_since"  # ISO 8601 UTC; left out on the very first run
    timeout_seconds: float = 10.0
    retries: int = 3  # extra attempts after a timeout, a network error, a 5xx or a 429
    backoff_seconds: float = 1.0  # doubled after each attempt, unless Retry-After says more
    max_backoff_seconds: float = 60.0


class UpstreamSource:
    """Implements the sync's OrderSource with one pooled httpx.AsyncClient."""

    def __init__(
        self,
        config: UpstreamConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._config = config
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            headers=dict(config.headers),
            timeout=config.timeout_seconds,
            transport=transport,
            follow_redirects=True,
        )

    async def fetch_page(self, since: datetime | None, page: str | None) -> SourcePage:
        """The records of one page and the next page's token; SourceFailed after retries."""
        response = await self._get(self._params(since, page))
        try:
            body = response.json()
        except ValueError:
            problem = f"upstream answered {_snippet(response)}, which is not JSON"
            raise SourceFailed(problem) from None
        records = _at(body, self._config.items_field)
        if not isinstance(records, list):
            where = repr(self._config.items_field) if self._config.items_field else "the top"
            raise SourceFailed(f"upstream answer has no list of orders at {where}")
        return SourcePage(records, self._next_page(body, page, len(records)))

    async def aclose(self) -> None:
        await self._client.aclose()

    def _params(self, since: datetime | None, page: str | None) -> dict[str, str]:
        config = self._config
        params: dict[str, str] = {}
        if since is not None:
            params[config.since_param] = since.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if config.pagination is Pagination.PAGE:
            params |= {"page": page or "1", "per_page": str(config.page_size)}
        else:
            params |= {"limit": str(config.page_size)} | ({"cursor": page} if page else {})
        return params

    def _next_page(self, body: Any, page: str | None, count: int) -> str | None:
        if self._config.pagination is Pagination.PAGE:
            return str(int(page or "1") + 1) if count >= self._config.page_size else None
        cursor = _at(body, self._config.cursor_field)
        if cursor is None or cursor == "":
            return None
        if not isinstance(cursor, str | int) or isinstance(cursor, bool):
            raise SourceFailed(f"upstream's {self._config.cursor_field!r} is not a cursor")
        return str(cursor)

    async def _get(self, params: dict[str, str]) -> httpx.Response:
        """GET with retries on timeouts, network errors, 5xx and 429 (honouring Retry-After)."""
        attempts = self._config.retries + 1
        for attempt in range(1, attempts + 1):
            wait: float | None = None
            try:
                response = await self._client.get(self._config.url, params=params)
            except httpx.TransportError as exc:
                failure = f"{type(exc).__name__} {exc}".strip()
            else:
                if response.status_code != 429 and response.status_code < 500:
                    return _accepted(response)
                failure = f"HTTP {response.status_code}"
                wait = _retry_after(response)
            retry = "giving up" if attempt == attempts else "will retry"
            log.warning(
                "upstream attempt %d of %d failed: %s (%s; %s)",
                attempt,
                attempts,
                failure,
                display_url(self._config.url),
                retry,
            )
            if attempt == attempts:
                break
            backoff = self._config.backoff_seconds * 2 ** (attempt - 1)
            await self._sleep(min(self._config.max_backoff_seconds, max(backoff, wait or 0)))
        raise SourceFailed(f"upstream failed {attempts} times; last: {failure}")


def display_url(url: str) -> str:
    """The URL without credentials or query string (which may hold an API key)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _accepted(response: httpx.Response) -> httpx.Response:
    # Other 4xx answers are about this request (credentials, URL): retrying will not help.
    if response.is_error:
        status = response.status_code
        raise SourceFailed(f"upstream refused the request: HTTP {status} {_snippet(response)}")
    return response


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _at(body: Any, path: str) -> Any:
    value = body
    for part in filter(None, path.split(".")):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return repr(text[:120] + ("…" if len(text) > 120 else ""))
