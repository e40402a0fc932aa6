"""The Reassign modal of the card's overflow menu: pick the order's new owner."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import InputBlock, UserSelectElement
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.forms import VALUE, FormErrors, ModalContext, picked_user
from bot.blocks.orders.menu_modal_frame import order_modal_view, order_summary

OWNER_USER = "owner_user"
# Service field names -> the block that shows their errors.
REASSIGN_FIELDS = {"owner": OWNER_USER}


def build_reassign_modal(ctx: ModalContext, warning: str | None = None) -> View:
    """Pick the new owner from the workspace's people."""
    picker = UserSelectElement(action_id=VALUE, placeholder="Choose a person")
    blocks = order_summary(ctx, warning) + [
        InputBlock(block_id=OWNER_USER, label="New owner", element=picker)
    ]
    return order_modal_view(ids.REASSIGN_MODAL, "Reassign order", ctx, blocks, "Reassign")


def read_reassign_form(state: dict[str, Any]) -> str:
    """The chosen owner's user id; FormErrors when nobody was chosen."""
    user = picked_user(state, OWNER_USER)
    if user is None:
        raise FormErrors({OWNER_USER: "Choose who owns the order."})
    return user
