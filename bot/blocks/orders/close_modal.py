"""The Close modal of the card's overflow menu: filled or cancelled, and why (undoable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.forms import VALUE, FormErrors, ModalContext, chosen, options, text_input
from bot.blocks.orders.menu_modal_frame import order_modal_view, order_summary, reason_block
from bot.services.orders.actions.closing import UNDO_WINDOW
from storage.orders.tables import CLOSED_STATUSES, OrderStatus

CLOSE_STATUS, CLOSE_REASON = "close_status", "close_reason"
# Service field names -> the block that shows their errors.
CLOSE_FIELDS = {"status": CLOSE_STATUS, "reason": CLOSE_REASON}


def build_close_modal(ctx: ModalContext, warning: str | None = None) -> View:
    """The confirm step of closing: filled or cancelled, and why."""
    statuses = options((s.value, s.label) for s in sorted(CLOSED_STATUSES, reverse=True))
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    blocks = order_summary(ctx, warning) + [
        InputBlock(
            block_id=CLOSE_STATUS,
            label="Close as",
            element=RadioButtonsElement(action_id=VALUE, options=statuses),
        ),
        reason_block(CLOSE_REASON, "Reason", "Why is the order closed?"),
        ContextBlock(
            elements=[MarkdownTextObject(text=f"You can undo this for {minutes} minutes.")]
        ),
    ]
    return order_modal_view(ids.CLOSE_MODAL, "Close order", ctx, blocks, "Close order")


@dataclass(frozen=True)
class CloseForm:
    """A submitted close modal."""

    status: OrderStatus
    reason: str


def read_close_form(state: dict[str, Any]) -> CloseForm:
    """The close modal's values; FormErrors for a missing status or reason."""
    status, reason = chosen(state, CLOSE_STATUS, OrderStatus), text_input(state, CLOSE_REASON)
    errors = {}
    if status not in CLOSED_STATUSES:
        errors[CLOSE_STATUS] = "Pick filled or cancelled."
    if reason is None:
        errors[CLOSE_REASON] = "Say why the order is closed."
    if errors or status is None or reason is None:
        raise FormErrors(errors)
    return CloseForm(status, reason)
