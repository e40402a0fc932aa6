"""Submissions of the overflow menu's modals: validated and saved before the ack.

Every problem shows under its field (a service's InvalidInput.field names the block); a
stale card re-renders the modal with a warning; Slack's side effects follow in the background.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.menu import MenuChoice
from bot.blocks.orders.menu_modals import (
    CLOSE_FIELDS,
    CLOSE_STATUS,
    EXPEDITE_FIELDS,
    EXPEDITE_REASON,
    OWNER_USER,
    REASSIGN_FIELDS,
    SNOOZE_DATE,
    SNOOZE_FIELDS,
    build_close_modal,
    build_expedite_modal,
    build_reassign_modal,
    build_snooze_modal,
    read_close_form,
    read_expedite_form,
    read_reassign_form,
    read_snooze_form,
)
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.orders.card_refresh import CardUpdates
from bot.listeners.orders.expedite_posts import ExpeditePosts
from bot.listeners.orders.follow_ups import FollowUps
from bot.listeners.orders.modal_submission import After, ModalForm, Save, save_modal
from bot.services.container import Services
from bot.services.orders.actions.unit import ActionResult
from storage.orders.tables import Order


class MenuModals:
    """The modal behind each overflow option, built from its context alone."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def build(self, choice: MenuChoice, ctx: ModalContext, warning: str | None) -> View:
        if choice is MenuChoice.SNOOZE:
            orders = self._services.orders
            tomorrow = orders.today() + timedelta(days=1)
            return build_snooze_modal(ctx, warning, today=tomorrow, zone_name=str(orders.zone))
        builders = {
            MenuChoice.REASSIGN: build_reassign_modal,
            MenuChoice.CLOSE: build_close_modal,
            MenuChoice.EXPEDITE: build_expedite_modal,
        }
        return builders[choice](ctx, warning)


class MenuSaves:
    """Saves Reassign, Snooze, Close and Request expedite."""

    def __init__(self, services: Services, background: Background) -> None:
        self._services = services
        self._background = background
        self._modals = MenuModals(services)
        follow_ups, updates = FollowUps(services), CardUpdates(services)
        self._forms = {
            ids.REASSIGN_MODAL: self._form(
                MenuChoice.REASSIGN, REASSIGN_FIELDS, OWNER_USER, follow_ups.owner_changed
            ),
            ids.SNOOZE_MODAL: self._form(
                MenuChoice.SNOOZE, SNOOZE_FIELDS, SNOOZE_DATE, updates.after
            ),
            ids.CLOSE_MODAL: self._form(
                MenuChoice.CLOSE, CLOSE_FIELDS, CLOSE_STATUS, follow_ups.closed
            ),
            ids.EXPEDITE_MODAL: self._form(
                MenuChoice.EXPEDITE,
                EXPEDITE_FIELDS,
                EXPEDITE_REASON,
                ExpeditePosts(services).requested,
            ),
        }

    def register(self, registry: Registry) -> None:
        registry.view(ids.REASSIGN_MODAL, self.save_reassign)
        registry.view(ids.SNOOZE_MODAL, self.save_snooze)
        registry.view(ids.CLOSE_MODAL, self.save_close)
        registry.view(ids.EXPEDITE_MODAL, self.save_expedite)

    async def save_reassign(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Reassign submitted."""

        async def save(ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
            owner = read_reassign_form(state)
            return await self._services.actions.assign_owner(
                ctx.external_id, owner, actor=actor, expected_version=ctx.version
            )

        await self._save(ack, body, view, client, save)

    async def save_snooze(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Snooze submitted; the picked time is read in the bot's zone."""

        async def save(ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
            form = read_snooze_form(state, self._services.orders.zone)
            return await self._services.actions.snooze(
                ctx.external_id, form.until, form.reason, actor=actor, expected_version=ctx.version
            )

        await self._save(ack, body, view, client, save)

    async def save_close(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Mark filled / cancel submitted."""

        async def save(ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
            form = read_close_form(state)
            return await self._services.actions.close(
                ctx.external_id, form.status, form.reason, actor=actor, expected_version=ctx.version
            )

        await self._save(ack, body, view, client, save)

    async def save_expedite(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Request expedite submitted."""

        async def save(ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
            reason = read_expedite_form(state)
            return await self._services.actions.request_expedite(
                ctx.external_id, reason, actor=actor, expected_version=ctx.version
            )

        await self._save(ack, body, view, client, save)

    async def _save(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        save: Save,
    ) -> None:
        form = self._forms[view["callback_id"]]
        await save_modal(ack, body, view, client, save, form, self._background)

    def _form(
        self, choice: MenuChoice, fields: Mapping[str, str], main_block: str, after: After
    ) -> ModalForm:
        def rerender(ctx: ModalContext, _fresh: Order, warning: str) -> View:
            return self._modals.build(choice, ctx, warning)

        return ModalForm(str(choice), fields, main_block, rerender, after)
