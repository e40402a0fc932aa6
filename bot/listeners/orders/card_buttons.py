"""Card buttons that change an order: Update ETA, Log customer contact, Add note.

A button opens its modal straight from the button's value (no database work before views.open,
so Slack's 3-second trigger_id window holds even when the database is slow). A submission is
validated and saved before the ack, so every problem shows under its field; the card update and
the thread note follow the ack in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.button_modals import (
    CONTACT_NOTE,
    ETA_DATE,
    FIELD_BLOCKS,
    NOTE_TEXT,
    OrderBrief,
    build_contact_modal,
    build_eta_modal,
    build_note_modal,
    read_contact_form,
    read_eta_form,
    read_note_form,
)
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.core.surfaces import modal_context, open_modal, refuse_viewer
from bot.listeners.orders.card_refresh import CardUpdates, CardUpdatesServices
from bot.listeners.orders.modal_submission import ModalForm, Save, save_modal
from bot.services.core.roles import RoleBook
from bot.services.orders.actions import OrderActions
from bot.services.orders.actions.unit import ActionResult
from storage.orders.tables import Order

ModalBuilder = Callable[[OrderBrief, ModalContext, str | None], View]


class OrderCardActionsServices(CardUpdatesServices, Protocol):
    """The services OrderCardActions uses."""

    actions: OrderActions
    roles: RoleBook


class OrderCardActions:
    """Opens the card's modals and saves what they submit."""

    def __init__(self, services: OrderCardActionsServices, background: Background) -> None:
        self._services = services
        self._background = background
        self._updates = CardUpdates(services)

    def register(self, registry: Registry) -> None:
        registry.action(ids.ETA_ACTION, self.open_eta)
        registry.action(ids.CONTACT_ACTION, self.open_contact)
        registry.action(ids.NOTE_ACTION, self.open_note)
        registry.view(ids.ETA_MODAL, self.save_eta)
        registry.view(ids.CONTACT_MODAL, self.save_contact)
        registry.view(ids.NOTE_MODAL, self.save_note)

    async def open_eta(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """Update ETA button."""
        await self._open(ack, body, action, client, respond, build_eta_modal)

    async def open_contact(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """Log customer contact button."""
        await self._open(ack, body, action, client, respond, build_contact_modal)

    async def open_note(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """Add note button."""
        await self._open(ack, body, action, client, respond, build_note_modal)

    async def save_eta(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Update ETA submitted."""

        async def save(ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
            form = read_eta_form(state)
            return await self._services.actions.change_eta(
                ctx.external_id, form.new_eta, form.reason, form.note, form.customer_informed,
                actor=actor, expected_version=ctx.version,
            )  # fmt: skip

        await self._save(ack, body, view, client, save, build_eta_modal, ETA_DATE)

    async def save_contact(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Log customer contact submitted."""

        async def save(ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
            form = read_contact_form(state)
            return await self._services.actions.log_contact(
                ctx.external_id, form.channel, form.outcome, form.note,
                actor=actor, expected_version=ctx.version,
            )  # fmt: skip

        await self._save(ack, body, view, client, save, build_contact_modal, CONTACT_NOTE)

    async def save_note(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Add note submitted."""

        async def save(ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
            text = read_note_form(state)
            return await self._services.actions.add_note(
                ctx.external_id, text, actor=actor, expected_version=ctx.version
            )

        await self._save(ack, body, view, client, save, build_note_modal, NOTE_TEXT)

    async def _open(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        build: ModalBuilder,
    ) -> None:
        await ack()
        if await refuse_viewer(self._services.roles, client, body, respond):
            return
        brief = OrderBrief.decode(action["value"])
        context = modal_context(brief.external_id, brief.version, body)
        if action.get("block_id") == ids.ALERT_ACTIONS_BLOCK:
            # Under an alert there is no card to refresh after saving: the alert stays as it is.
            context = replace(context, response_url=None)
        await open_modal(client, body, build(brief, context, None))

    async def _save(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        save: Save,
        build: ModalBuilder,
        main_block: str,
    ) -> None:
        def rerender(ctx: ModalContext, fresh: Order, warning: str) -> View:
            return build(OrderBrief.of(fresh), ctx, warning)

        form = ModalForm(
            view["callback_id"], FIELD_BLOCKS, main_block, rerender, self._updates.after
        )
        await save_modal(ack, body, view, client, save, form, self._background)
