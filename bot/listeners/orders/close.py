"""Close (the card's overflow menu): mark the order filled or cancelled, with an Undo offer."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.close_modal import CLOSE_FIELDS, CLOSE_STATUS, read_close_form
from bot.blocks.orders.menu import MenuChoice
from bot.listeners.orders.follow_ups import FollowUps
from bot.listeners.orders.menu_modals import MenuModalSave
from bot.listeners.orders.modal_submission import After
from bot.services.orders.actions.unit import ActionResult


class CloseSave(MenuModalSave):
    """Mark filled / cancel submitted."""

    callback_id, choice = ids.CLOSE_MODAL, MenuChoice.CLOSE
    fields, main_block = CLOSE_FIELDS, CLOSE_STATUS

    def after(self) -> After:
        return FollowUps(self._services).closed

    async def apply(self, ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
        form = read_close_form(state)
        return await self._services.actions.close(
            ctx.external_id, form.status, form.reason, actor=actor, expected_version=ctx.version
        )
