"""The overflow menu's modals: which one each option opens, and how a submission is saved.

Every problem shows under its field (a service's InvalidInput.field names the block); a
stale card re-renders the modal with a warning; Slack's side effects follow in the background.
Each modal's own listener (reassign.py, snooze.py, close.py, expedite.py) says what it saves.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar, Protocol

from slack_bolt.async_app import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.close_modal import build_close_modal
from bot.blocks.orders.expedite_modal import build_expedite_modal
from bot.blocks.orders.menu import MenuChoice
from bot.blocks.orders.reassign_modal import build_reassign_modal
from bot.blocks.orders.snooze_modal import build_snooze_modal
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.orders.expedite_posts import ExpeditePostsServices
from bot.listeners.orders.follow_ups import FollowUpsServices
from bot.listeners.orders.modal_submission import After, ModalForm, save_modal
from bot.services.orders.actions import OrderActions
from bot.services.orders.actions.unit import ActionResult
from bot.services.orders.reader import OrderReader
from storage.orders.tables import Order


class MenuModalsServices(Protocol):
    """The services MenuModals uses."""

    orders: OrderReader


class MenuModals:
    """The modal behind each overflow option, built from its context alone."""

    def __init__(self, services: MenuModalsServices) -> None:
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


class MenuModalSaveServices(ExpeditePostsServices, FollowUpsServices, MenuModalsServices, Protocol):
    """The services MenuModalSave uses."""

    actions: OrderActions
    orders: OrderReader


class MenuModalSave:
    """Saves one menu modal's submission before the ack; subclasses say what and how."""

    callback_id: ClassVar[str]
    choice: ClassVar[MenuChoice]
    fields: ClassVar[Mapping[str, str]]  # service field -> block id
    main_block: ClassVar[str]  # where errors without a field show

    def __init__(self, services: MenuModalSaveServices, background: Background) -> None:
        self._services = services
        self._background = background
        self._modals = MenuModals(services)
        self._form = ModalForm(
            str(self.choice), self.fields, self.main_block, self._rerender, self.after()
        )

    def register(self, registry: Registry) -> None:
        registry.view(self.callback_id, self.save)

    def after(self) -> After:
        """What follows a save, after the ack (card redrawn, DMs, thread posts)."""
        raise NotImplementedError

    async def apply(self, ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
        """Read the submitted state and make the change."""
        raise NotImplementedError

    async def save(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """The modal was submitted."""
        await save_modal(ack, body, view, client, self.apply, self._form, self._background)

    def _rerender(self, ctx: ModalContext, _fresh: Order, warning: str) -> View:
        return self._modals.build(self.choice, ctx, warning)
