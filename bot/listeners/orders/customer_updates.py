"""Draft customer update (a card button) and Send to helpdesk (a button in the draft's modal).

The modal opens at once with a placeholder (a trigger_id lasts 3 s) and the draft replaces
it; a send runs after the ack (the helpdesk may take seconds) and the modal then says whether
it went out. Only an accepted send is logged as a customer contact.
"""

from __future__ import annotations

from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.kit.notices import build_notice_modal
from bot.blocks.kit.text import clip, escape
from bot.blocks.kit.wire import view_to_wire
from bot.blocks.orders.customer_update_modal import (
    build_draft_modal,
    build_drafting_modal,
    build_sent_modal,
    failed_status,
)
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.core.surfaces import modal_context, open_modal, update_if_open
from bot.listeners.orders.card_refresh import CardUpdates, CardUpdatesServices
from bot.services.core.errors import InvalidInput, OrderNotFound
from bot.services.core.roles import PermissionDenied
from bot.services.orders.customer_updates import CustomerUpdates, DraftOutdated, HelpdeskRefused


class CustomerUpdateActionsServices(CardUpdatesServices, Protocol):
    """The services CustomerUpdateActions uses."""

    customer_updates: CustomerUpdates


class CustomerUpdateActions:
    """Opens the draft and sends it to the helpdesk."""

    def __init__(self, services: CustomerUpdateActionsServices, background: Background) -> None:
        self._updates = services.customer_updates
        self._services = services
        self._background = background
        self._card_updates = CardUpdates(services)

    def register(self, registry: Registry) -> None:
        registry.action(ids.DRAFT_UPDATE_ACTION, self.draft)
        registry.action(ids.SEND_TO_HELPDESK_ACTION, self.send)

    async def draft(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Draft customer update: anyone may read a draft; sending needs a rep."""
        await ack()
        ctx = modal_context(str(action["value"]), 0, body)
        opened = await open_modal(client, body, build_drafting_modal(ctx))
        work = self._show_draft(ctx, str(opened["view"]["id"]), client)
        self._background.run(work, f"draft update {ctx.external_id}")

    async def send(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Send to helpdesk, in the draft's modal (Bolt passes `view` to submissions only)."""
        await ack()
        view: dict[str, Any] = body["view"]
        ctx = ModalContext.decode(view["private_metadata"])
        work = self._send(ctx, str(view["id"]), body["user"]["id"], client)
        self._background.run(work, f"send update {ctx.external_id}")

    async def _show_draft(self, ctx: ModalContext, view_id: str, client: AsyncWebClient) -> None:
        try:
            draft = await self._updates.draft(ctx.external_id)
        except OrderNotFound:
            text = f"Order `{escape(clip(ctx.external_id, 100))}` no longer exists."
            await client.views_update(view_id=view_id, view=view_to_wire(build_notice_modal(text)))
            return
        view = build_draft_modal(draft, ctx, can_send=self._updates.can_send)
        await client.views_update(view_id=view_id, view=view_to_wire(view))

    async def _send(
        self, ctx: ModalContext, view_id: str, actor: str, client: AsyncWebClient
    ) -> None:
        try:
            sent = await self._updates.send(ctx.external_id, ctx.version, actor=actor)
        except DraftOutdated as exc:
            view = build_draft_modal(
                exc.fresh, ctx, can_send=True, status=failed_status(exc.message)
            )
        except (HelpdeskRefused, InvalidInput, PermissionDenied) as exc:
            view = await self._failed(ctx, exc.message)
        else:
            view = build_sent_modal(sent.draft, ctx, sent.reference)
            await update_if_open(client, view_id, view)
            await self._card_updates.after(sent.contact, ctx, actor, client)
            return
        await update_if_open(client, view_id, view)

    async def _failed(self, ctx: ModalContext, message: str) -> View:
        """The draft again with why nothing was sent, and Send to try again."""
        draft = await self._updates.draft(ctx.external_id)
        return build_draft_modal(
            draft, ctx, can_send=self._updates.can_send, status=failed_status(message)
        )
