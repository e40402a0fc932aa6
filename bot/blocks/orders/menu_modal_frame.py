"""What the order modals share: the frame (card buttons and overflow menu alike); for the
overflow menu's modals also the order line and a reason box.

The menu's modals open from an OrderRef (id and version) alone: an overflow option's value is
too small for more, and reading the order first would risk Slack's 3-second trigger_id window.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.kit.forms import VALUE, ModalContext
from bot.blocks.kit.text import clip, escape
from bot.services.orders.actions.inputs import TEXT_LIMIT


def order_modal_view(
    callback_id: str, title: str, ctx: ModalContext, blocks: list[Block], submit: str
) -> View:
    """An order modal (card button or overflow menu) carrying its context in private_metadata."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=clip(title, 24),
        submit=submit,
        close="Cancel",
        private_metadata=ctx.encode(),
        blocks=blocks,
    )


def order_summary(ctx: ModalContext, warning: str | None) -> list[Block]:
    """The order's id, under a warning when the modal was re-rendered for a fresher order."""
    blocks: list[Block] = []
    if warning:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":warning: {warning}")))
    text = f"Order *{escape(clip(ctx.external_id, 200))}*"
    blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    return blocks


def reason_block(block_id: str, label: str, placeholder: str) -> InputBlock:
    """A multi-line text box within the service's text limit."""
    element = PlainTextInputElement(
        action_id=VALUE, multiline=True, max_length=TEXT_LIMIT, placeholder=placeholder
    )
    return InputBlock(block_id=block_id, label=label, element=element)
