"""Submissions of the overflow menu's modals: validated and saved before the ack.

Every problem shows under its field (a service's InvalidInput.field names the block); a
stale card re-renders the modal with a warning; Slack's side effects follow in the background.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.blocks.forms import FormErrors, ModalContext
from bot.blocks.more_modals import (
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
from bot.blocks.order_menu import MenuChoice
from bot.listeners.background import Background
from bot.listeners.card_updates import CardUpdates
from bot.listeners.expedite_posts import ExpeditePosts
from bot.listeners.follow_ups import FollowUps
from bot.listeners.registry import Registry
from bot.services.actions.unit import ActionResult
from bot.services.container import Services
from bot.services.errors import InvalidInput, PermissionDenied, StaleUpdate

Save = Callable[[ModalContext, dict[str, Any], str], Awaitable[ActionResult]]
After = Callable[[ActionResult, ModalContext, str, AsyncWebClient], Coroutine[Any, Any, None]]


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


@dataclass(frozen=True)
class _Form:
    """How one modal's submission is checked and followed up."""

    choice: MenuChoice
    fields: Mapping[str, str]  # service field -> block id
    main_block: str  # where errors without a field show
    after: After


class MenuSaves:
    """Saves Reassign, Snooze, Close and Request expedite."""

    def __init__(self, services: Services, background: Background) -> None:
        self._services = services
        self._background = background
        self._modals = MenuModals(services)
        follow_ups, updates = FollowUps(services), CardUpdates(services)
        self._forms = {
            ids.REASSIGN_MODAL: _Form(
                MenuChoice.REASSIGN, REASSIGN_FIELDS, OWNER_USER, follow_ups.owner_changed
            ),
            ids.SNOOZE_MODAL: _Form(MenuChoice.SNOOZE, SNOOZE_FIELDS, SNOOZE_DATE, updates.after),
            ids.CLOSE_MODAL: _Form(MenuChoice.CLOSE, CLOSE_FIELDS, CLOSE_STATUS, follow_ups.closed),
            ids.EXPEDITE_MODAL: _Form(
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
        ctx = ModalContext.decode(view["private_metadata"])
        actor = body["user"]["id"]
        try:
            result = await save(ctx, view["state"], actor)
        except FormErrors as exc:
            await ack(response_action="errors", errors=exc.errors)
            return
        except (InvalidInput, PermissionDenied) as exc:
            field = exc.field if isinstance(exc, InvalidInput) else None
            block = form.fields.get(field or "", form.main_block)
            await ack(response_action="errors", errors={block: exc.message})
            return
        except StaleUpdate as exc:
            # Re-render for the order as it is now; submitting again applies to that version.
            fresh = replace(ctx, version=exc.fresh.version)
            await ack(
                response_action="update", view=self._modals.build(form.choice, fresh, exc.message)
            )
            return
        await ack()
        self._background.run(
            form.after(result, ctx, actor, client), f"{form.choice} {ctx.external_id}"
        )
