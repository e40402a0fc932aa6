"""Reassign (the card's overflow menu): the order gets the picked owner, who gets a DM."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.menu import MenuChoice
from bot.blocks.orders.reassign_modal import OWNER_USER, REASSIGN_FIELDS, read_reassign_form
from bot.listeners.orders.follow_ups import FollowUps
from bot.listeners.orders.menu_modals import MenuModalSave
from bot.listeners.orders.modal_submission import After
from bot.services.orders.actions.unit import ActionResult


class ReassignSave(MenuModalSave):
    """Reassign submitted."""

    callback_id, choice = ids.REASSIGN_MODAL, MenuChoice.REASSIGN
    fields, main_block = REASSIGN_FIELDS, OWNER_USER

    def after(self) -> After:
        return FollowUps(self._services).owner_changed

    async def apply(self, ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
        owner = read_reassign_form(state)
        return await self._services.actions.assign_owner(
            ctx.external_id, owner, actor=actor, expected_version=ctx.version
        )
