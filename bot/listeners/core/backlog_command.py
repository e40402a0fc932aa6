"""The `/backlog` slash command: parse the subcommand and hand it to its listener."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit import ids
from bot.blocks.kit.help import build_help, help_text
from bot.blocks.kit.text import clip
from bot.blocks.kit.wire import to_wire
from bot.listeners.core.parsing import readable
from bot.listeners.core.registry import Registry
from bot.listeners.core.router import SubcommandRouter, subcommand


class BacklogCommand:
    """Dispatches `/backlog SUBCOMMAND ARGS` to the subcommand listeners."""

    def __init__(self, router: SubcommandRouter) -> None:
        self._router = router
        router.collect(self)

    def register(self, registry: Registry) -> None:
        registry.command(ids.BACKLOG_COMMAND, self.handle)

    async def handle(self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        """Route by the first word; answer with help when it is empty or unknown."""
        text = readable(command.get("text") or "")
        command = {**command, "text": text}
        name, _, rest = text.strip().partition(" ")
        found = self._router.find(name) if name else self._router.find("help")
        if found is None and not rest.strip() and self._router.fallback is not None:
            await self._router.fallback(ack=ack, args=name, command=command)
            return
        if found is None:
            # The word is echoed clipped: a section holds 3,000 characters, a command far more.
            notice = f"I don't know `/backlog {clip(name, 100)}`. Here is what I do:"
            await self._reply_help(ack, notice=notice)
            return
        await found.call(ack=ack, args=rest.strip(), command=command, client=client)

    @subcommand("help", usage="/backlog help")
    async def help(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """List every /backlog subcommand with its usage."""
        await self._reply_help(ack)

    async def _reply_help(self, ack: AsyncAck, notice: str | None = None) -> None:
        entries = self._router.help_entries()
        blocks = build_help(entries, notice=notice)
        await ack(
            response_type="ephemeral",
            text=help_text(entries, notice=notice),
            blocks=to_wire(blocks),
        )
