"""A scripted upstream for httpx.MockTransport, and a sleep that records instead of waiting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

Answer = httpx.Response | Exception


class ScriptedUpstream:
    """Answers requests in order from `answers`; records every request."""

    def __init__(self, answers: Sequence[Answer]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def params(self, index: int) -> dict[str, str]:
        return dict(self.requests[index].url.params)


def page(records: list[Any], next_cursor: str | None = None, **extra: Any) -> httpx.Response:
    """A cursor-paginated answer."""
    return httpx.Response(200, json={"orders": records, "next_cursor": next_cursor, **extra})


def status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, text=f"upstream says {code}", headers=headers)


@dataclass
class RecordedSleep:
    """Stands in for asyncio.sleep: remembers the delays, waits for none."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
