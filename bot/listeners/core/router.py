"""Subcommands of `/backlog`: registration by decorator, help from their docstrings."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bot.blocks.kit.help import HelpEntry

Handler = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class Subcommand:
    """A subcommand's name, usage line and handler."""

    name: str
    usage: str
    handler: Handler

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        doc = inspect.getdoc(self.handler) or ""
        return " ".join(doc.split("\n\n")[0].split())

    async def call(self, **available: Any) -> None:
        """Invoke the handler with the arguments it names (as Bolt does for listeners)."""
        wanted = inspect.signature(self.handler).parameters
        await self.handler(**{name: value for name, value in available.items() if name in wanted})


def subcommand(name: str, usage: str) -> Callable[[Handler], Handler]:
    """Mark a listener-group method as `/backlog NAME`; its docstring's first line is its help."""

    def mark(handler: Handler) -> Handler:
        handler.__subcommand__ = (name, usage)  # type: ignore[attr-defined]
        return handler

    return mark


class SubcommandRouter:
    """Finds the subcommands declared on listener groups."""

    def __init__(self) -> None:
        self._by_name: dict[str, Subcommand] = {}
        self.fallback: Handler | None = None  # `/backlog WORD` when WORD is no subcommand

    def collect(self, group: Any) -> None:
        for _, method in inspect.getmembers(group, inspect.ismethod):
            marked = getattr(method, "__subcommand__", None)
            if marked:
                name, usage = marked
                self._by_name[name] = Subcommand(name, usage, method)

    def find(self, name: str) -> Subcommand | None:
        return self._by_name.get(name.lower())

    def closest(self, word: str) -> Subcommand | None:
        """The subcommand whose name is most like `word` (a mistyped `/backlog histroy`), or
        None when no name shares a letter with it."""
        scored = [
            (difflib.SequenceMatcher(None, word.lower(), name).ratio(), name)
            for name in self._by_name
            if name != "help"
        ]
        score, name = max(scored, default=(0.0, ""))
        return self._by_name[name] if score > 0 else None

    def usage(self, name: str) -> str:
        return self._by_name[name].usage

    def __iter__(self) -> Iterator[Subcommand]:
        return iter(self._by_name.values())

    def help_entries(self) -> list[HelpEntry]:
        return [HelpEntry(sub.usage, sub.summary) for sub in self]
