"""Block Kit for the customer-update draft: a modal with the text ready to copy, and notices."""

from __future__ import annotations

from dataclasses import replace

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.kit.text import clip, escape
from bot.services.orders.customer_drafts import CustomerUpdateDraft

DRAFT_TEXT_BLOCK = "draft_text"
_TITLE = "Customer update"
# A section holds 3,000 characters; the fences and escaping need a little of that.
_DRAFT_CHARS = 2_900


def build_drafting_modal(ctx: ModalContext) -> View:
    """What opens at once (Slack's trigger_id lasts 3 s): the draft replaces it moments later."""
    text = f":hourglass_flowing_sand: Drafting the update for *{escape(ctx.external_id)}*…"
    return _modal(ctx, [SectionBlock(text=MarkdownTextObject(text=text))])


def build_draft_modal(
    draft: CustomerUpdateDraft, ctx: ModalContext, *, can_send: bool, status: str | None = None
) -> View:
    """The draft in a code block for copying; Send to helpdesk when a helpdesk is configured."""
    blocks: list[Block] = []
    if status:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=status)))
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=_addressee(draft))),
        SectionBlock(block_id=DRAFT_TEXT_BLOCK, text=MarkdownTextObject(text=_code(draft.text))),
        ContextBlock(elements=[MarkdownTextObject(text=_hint(can_send))]),
    ]
    if can_send:
        send = ButtonElement(
            text="Send to helpdesk",
            action_id=ids.SEND_TO_HELPDESK_ACTION,
            value=draft.external_id,
            style="primary",
        )
        blocks.append(ActionsBlock(elements=[send]))
    # The modal remembers the version drafted from: Send refuses if the order moved on since.
    return _modal(replace(ctx, version=draft.version), blocks)


def build_sent_modal(draft: CustomerUpdateDraft, ctx: ModalContext, reference: str | None) -> View:
    """The draft again, marked as sent, without a second Send button."""
    ref = f" (ref `{escape(clip(reference, 100))}`)" if reference else ""
    status = f":white_check_mark: Sent to the helpdesk{ref} and logged as a customer contact."
    return build_draft_modal(draft, ctx, can_send=False, status=status)


def failed_status(message: str) -> str:
    """The status line of a send the helpdesk did not take."""
    return f":warning: {escape(message)}"


def _modal(ctx: ModalContext, blocks: list[Block]) -> View:
    return View(
        type="modal",
        callback_id=ids.CUSTOMER_UPDATE_MODAL,
        title=_TITLE,
        close="Close",
        private_metadata=ctx.encode(),
        blocks=blocks,
    )


def _addressee(draft: CustomerUpdateDraft) -> str:
    email = f" · {escape(draft.customer_email)}" if draft.customer_email else ""
    to = f"*To:* {escape(clip(draft.customer, 200))}{email}"
    return f"{to}\n*Subject:* {escape(clip(draft.subject, 200))}"


def _code(text: str) -> str:
    # Three backticks inside would end the block early; Slack still needs &, < and > escaped.
    safe = escape(text.replace("```", "'''"))
    return f"```{clip(safe, _DRAFT_CHARS)}```"


def _hint(can_send: bool) -> str:
    if can_send:
        return (
            "Copy it into your e-mail, or *Send to helpdesk*: a customer contact is logged"
            " once the helpdesk accepts it."
        )
    return "Copy it into your e-mail; nothing is sent from here. Log the contact when you send it."
