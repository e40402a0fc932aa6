"""Registers listeners on the AsyncApp and remembers what it registered (manifest check)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp

Listener = Callable[..., Awaitable[None]]


# Bolt tries listeners in registration order and runs each one's matchers until one fits
# (about 15 µs each); the slash command, the most frequent and latency-bound request, goes first.
_FIRST = "command"


@dataclass(frozen=True)
class _Pending:
    kind: str
    decorator: Callable[..., Any]
    listener: Listener
    lazy: Sequence[Listener]


class Registry:
    """A thin front to AsyncApp's decorators that records every id it registers.

    Listeners reach the app on `install()`, ordered by kind (commands first).
    """

    def __init__(self, app: AsyncApp) -> None:
        self._app = app
        self.registered: dict[str, set[str]] = defaultdict(set)
        self._pending: list[_Pending] = []

    def command(self, name: str, listener: Listener, lazy: Sequence[Listener] = ()) -> None:
        self._add("command", name, self._app.command(name), listener, lazy)

    def shortcut(self, callback_id: str, listener: Listener, lazy: Sequence[Listener] = ()) -> None:
        self._add("shortcut", callback_id, self._app.shortcut(callback_id), listener, lazy)

    def action(
        self, action_id: str | re.Pattern[str], listener: Listener, lazy: Sequence[Listener] = ()
    ) -> None:
        key = action_id if isinstance(action_id, str) else action_id.pattern
        self._add("action", key, self._app.action(action_id), listener, lazy)

    def view(self, callback_id: str, listener: Listener, lazy: Sequence[Listener] = ()) -> None:
        self._add("view", callback_id, self._app.view(callback_id), listener, lazy)

    def options(self, action_id: str, listener: Listener) -> None:
        """Options of an external select (block_suggestion); the ack carries the answer."""
        self._add("options", action_id, self._app.options(action_id), listener, ())

    def event(self, event_type: str, listener: Listener, lazy: Sequence[Listener] = ()) -> None:
        self._add("event", event_type, self._app.event(event_type), listener, lazy)

    def _add(
        self,
        kind: str,
        key: str,
        decorator: Callable[..., Any],
        listener: Listener,
        lazy: Sequence[Listener],
    ) -> None:
        self.registered[kind].add(key)
        self._pending.append(_Pending(kind, decorator, listener, lazy))

    def install(self) -> None:
        """Register everything recorded so far on the app: commands, then the rest in order."""
        for entry in sorted(self._pending, key=lambda p: p.kind != _FIRST):
            if entry.lazy:
                entry.decorator(ack=entry.listener, lazy=list(entry.lazy))
            else:
                entry.decorator(entry.listener)
        self._pending.clear()
