"""Request expedite (the card's overflow menu): the team's leads are asked to approve it."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.expedite_modal import EXPEDITE_FIELDS, EXPEDITE_REASON, read_expedite_form
from bot.blocks.orders.menu import MenuChoice
from bot.listeners.orders.expedite_posts import ExpeditePosts
from bot.listeners.orders.menu_modals import MenuModalSave
from bot.listeners.orders.modal_submission import After
from bot.services.orders.actions.unit import ActionResult


class ExpediteSave(MenuModalSave):
    """Request expedite submitted."""

    callback_id, choice = ids.EXPEDITE_MODAL, MenuChoice.EXPEDITE
    fields, main_block = EXPEDITE_FIELDS, EXPEDITE_REASON

    def after(self) -> After:
        return ExpeditePosts(self._services).requested

    async def apply(self, ctx: ModalContext, state: dict[str, Any], actor: str) -> ActionResult:
        reason = read_expedite_form(state)
        return await self._services.actions.request_expedite(
            ctx.external_id, reason, actor=actor, expected_version=ctx.version
        )
