"""Snooze (the card's overflow menu): the order leaves lagging lists until the picked time."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.menu import MenuChoice
from bot.blocks.orders.snooze_modal import SNOOZE_DATE, SNOOZE_FIELDS, read_snooze_form
from bot.listeners.orders.card_refresh import CardUpdates
from bot.listeners.orders.menu_modals import MenuModalSave
from bot.listeners.orders.modal_submission import After
from bot.services.orders.actions.unit import ActionResult


class SnoozeSave(MenuModalSave):
    """Snooze submitted; the picked time is read in the bot's zone."""

    callback_id, choice = ids.SNOOZE_MODAL, MenuChoice.SNOOZE
    fields, main_block = SNOOZE_FIELDS, SNOOZE_DATE

    def after(self) -> After:
        return CardUpdates(self._services).after

    async def apply(self, ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
        form = read_snooze_form(state, self._services.orders.zone)
        return await self._services.actions.snooze(
            ctx.external_id, form.until, form.reason, actor=actor, expected_version=ctx.version
        )
