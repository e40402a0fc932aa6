"""Messages in an order's thread in its team channel."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.kit.text import clip, escape
from storage.orders.tables import Order


def thread_parent(order: Order) -> tuple[str, list[Block]]:
    """The message that starts an order's thread."""
    text = f"Order {order.external_id} · {order.customer}: updates"
    title = f"*Order {escape(order.external_id)}* · {escape(clip(order.customer, 100))}"
    promised = f"Promised {order.promised_date.isoformat()} · updates follow in the thread"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=title)),
        ContextBlock(elements=[MarkdownTextObject(text=promised)]),
    ]
    return text, blocks
