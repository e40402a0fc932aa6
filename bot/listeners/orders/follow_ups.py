"""After an overflow action was saved: redraw the card, DM a new owner, offer Undo."""

from __future__ import annotations

from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.follow_ups import (
    UndoTicket,
    already_owner_text,
    assigned_text,
    build_closed_follow_up,
    closed_text,
    reopened_text,
)
from bot.listeners.orders.card_refresh import CardUpdates, CardUpdatesServices, reply
from bot.services.orders.actions.unit import ActionResult


class FollowUpsServices(CardUpdatesServices, Protocol):
    """The services FollowUps uses."""


class FollowUps:
    """The Slack side effects of ownership, close and undo (run after the ack)."""

    def __init__(self, services: FollowUpsServices) -> None:
        self._updates = CardUpdates(services)

    async def owner_changed(
        self, result: ActionResult, ctx: ModalContext, actor: str, client: AsyncWebClient
    ) -> None:
        """Redraw the card; tell the new owner, unless they gave it to themselves."""
        await self._updates.after(result, ctx, actor, client)
        owner = result.order.owner
        if result.duplicate or not owner or owner == actor:
            return
        await client.chat_postMessage(channel=owner, text=assigned_text(result.order, actor))

    async def already_owner(
        self, result: ActionResult, ctx: ModalContext, client: AsyncWebClient
    ) -> None:
        """Taking an order one already owns writes nothing; say so instead of staying silent."""
        if ctx.response_url:
            await reply(ctx.response_url, client, already_owner_text(result.order))

    async def closed(
        self, result: ActionResult, ctx: ModalContext, actor: str, client: AsyncWebClient
    ) -> None:
        """Redraw the card, then offer Undo in a message only the closing rep sees."""
        await self._updates.after(result, ctx, actor, client)
        if result.duplicate or not result.events or ctx.response_url is None:
            return
        close = result.events[0]
        assert close.id is not None
        ticket = UndoTicket(result.order.external_id, close.id, ctx.response_url)
        blocks = build_closed_follow_up(result.order, ticket)
        await reply(ctx.response_url, client, closed_text(result.order), blocks)

    async def reopened(
        self, result: ActionResult, ticket: UndoTicket, response_url: str | None,
        client: AsyncWebClient,
    ) -> None:  # fmt: skip
        """Redraw the card behind the ticket; the Undo message becomes 'reopened'."""
        if result.duplicate:
            return
        if ticket.card_url:
            await self._updates.refresh(ticket.card_url, result.order.external_id, client)
        if response_url:
            text = reopened_text(result.order)
            await reply(response_url, client, text, replace_original=True)
