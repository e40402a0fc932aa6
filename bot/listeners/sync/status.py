"""`/backlog sync status`: how the upstream order sync is doing."""

from __future__ import annotations

from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck

from bot.blocks.kit.replies import build_usage
from bot.blocks.kit.wire import to_wire
from bot.blocks.sync.status import build_sync_status, sync_status_text
from bot.listeners.core.router import SubcommandRouter, subcommand
from bot.services.core.clock import Clock
from bot.services.orders.reader import OrderReader
from bot.services.sync import SyncService

USAGE = "/backlog sync status"


class SyncCommandsServices(Protocol):
    """The services SyncCommands uses."""

    @property
    def clock(self) -> Clock: ...

    orders: OrderReader
    sync: SyncService


class SyncCommands:
    """The sync's status, answered in the ack (one small read)."""

    def __init__(self, services: SyncCommandsServices, router: SubcommandRouter) -> None:
        self._sync = services.sync
        self._clock = services.clock
        self._zone = services.orders.zone
        router.collect(self)

    @subcommand("sync", usage=USAGE)
    async def sync(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """Upstream order sync: last success, last error, orders changed."""
        if args.strip().lower() not in ("", "status"):
            problem = f"I don't know `sync {args.strip()}`."
            await ack(
                response_type="ephemeral",
                text=f"{problem} Usage: {USAGE}",
                blocks=to_wire(build_usage(problem, USAGE)),
            )
            return
        status = await self._sync.status()
        now = self._clock()
        await ack(
            response_type="ephemeral",
            text=sync_status_text(status, now, self._zone),
            blocks=to_wire(build_sync_status(status, now, self._zone)),
        )
