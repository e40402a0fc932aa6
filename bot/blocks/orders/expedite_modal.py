"""The Request expedite modal of the card's overflow menu: why the order must move faster."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext, text_input
from bot.blocks.orders.menu_modal_frame import order_modal_view, order_summary, reason_block

EXPEDITE_REASON = "expedite_reason"
# Service field names -> the block that shows their errors.
EXPEDITE_FIELDS = {"reason": EXPEDITE_REASON}


def build_expedite_modal(ctx: ModalContext, warning: str | None = None) -> View:
    """Why the order needs expediting; the leads decide in the team channel."""
    blocks = order_summary(ctx, warning) + [
        reason_block(EXPEDITE_REASON, "Reason", "Why does the order need to move faster?"),
        ContextBlock(
            elements=[MarkdownTextObject(text="The team's leads approve or deny the request.")]
        ),
    ]
    return order_modal_view(ids.EXPEDITE_MODAL, "Request expedite", ctx, blocks, "Request")


def read_expedite_form(state: dict[str, Any]) -> str:
    """The reason as written ("" when blank: the service says what is missing)."""
    return text_input(state, EXPEDITE_REASON) or ""
