"""Short messages that follow an action: the Undo offer after closing, the new owner's DM."""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, escape
from bot.services.orders.actions.closing import UNDO_WINDOW
from storage.orders.tables import Order, OrderStatus


@dataclass(frozen=True)
class UndoTicket:
    """What the Undo button carries: the close to take back and the card to redraw."""

    external_id: str
    event_id: int
    card_url: str | None  # the card's response_url: the Undo message has its own

    def encode(self) -> str:
        data = {"o": self.external_id, "e": self.event_id, "r": self.card_url}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> UndoTicket:
        data = json.loads(text)
        return cls(str(data["o"]), int(data["e"]), data.get("r"))


def closed_text(order: Order) -> str:
    """'SO-1 marked filled.'"""
    return f"{order.external_id} marked {OrderStatus(order.status).label.lower()}."


def build_closed_follow_up(order: Order, ticket: UndoTicket) -> list[Block]:
    """The closing rep's confirmation with an Undo button (the service enforces the window)."""
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    undo = ButtonElement(text="Undo", action_id=ids.UNDO_CLOSE_ACTION, value=ticket.encode())
    return [
        SectionBlock(text=MarkdownTextObject(text=escape(closed_text(order)))),
        ActionsBlock(block_id=ids.CLOSED_FOLLOW_UP_BLOCK, elements=[undo]),
        ContextBlock(elements=[MarkdownTextObject(text=f"Undo works for {minutes} minutes.")]),
    ]


def reopened_text(order: Order) -> str:
    """'SO-1 reopened (status: Confirmed).'"""
    return f"{order.external_id} reopened (status: {OrderStatus(order.status).label})."


def assigned_text(order: Order, actor: str) -> str:
    """The one line a new owner gets in a DM."""
    customer = clip(order.customer, 100)
    return f"<@{actor}> made you the owner of order {order.external_id} ({customer})."


def already_owner_text(order: Order) -> str:
    return f"You already own {order.external_id}."
