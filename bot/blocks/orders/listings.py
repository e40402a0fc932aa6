"""Block Kit for listings of orders (mine, late, customer, SKU, supplier) with paging."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, days_late, escape, person
from bot.services.orders.lagging import due_date
from bot.services.orders.reader import OrderPage, OrderSummary

# A button's value holds at most 2,000 characters; the query is kept well below that.
_QUERY_CHARS = 1500


@dataclass(frozen=True)
class PageRequest:
    """What a Next button asks for: the same listing, from `offset` on."""

    listing: str
    query: str
    offset: int

    def encode(self) -> str:
        return json.dumps({"l": self.listing, "q": self.query[:_QUERY_CHARS], "o": self.offset})

    @classmethod
    def decode(cls, value: str) -> PageRequest:
        data = json.loads(value)
        return cls(str(data["l"]), str(data["q"]), int(data["o"]))


def build_order_list(
    title: str, page: OrderPage, today: date, next_page: PageRequest | None
) -> list[Block]:
    """A header with the count, one row per order with an Open button, and a Next button."""
    blocks: list[Block] = [HeaderBlock(text=clip(title, 150))]
    if not page.items:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="Nothing matches. :tada:")))
        return blocks
    blocks += [_row(item, today) for item in page.items]
    shown = f"{page.offset + 1}–{page.offset + len(page.items)} of {page.total}"
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=f"Showing {shown}, most overdue first")])
    )
    if next_page is not None:
        button = ButtonElement(
            text="Next", action_id=ids.LIST_NEXT_ACTION, value=next_page.encode()
        )
        blocks.append(ActionsBlock(block_id=ids.LIST_PAGING_BLOCK, elements=[button]))
    return blocks


def order_list_text(title: str, page: OrderPage) -> str:
    """The listing's plain-text fallback."""
    ids_shown = ", ".join(item.order.external_id for item in page.items)
    return f"{title}: {ids_shown}" if ids_shown else f"{title}: nothing matches"


def _row(item: OrderSummary, today: date) -> SectionBlock:
    o = item.order
    reasons = ", ".join(kind.label for kind in item.lagging) or "on track"
    eta = o.current_eta.isoformat() if o.current_eta else "no ETA"
    text = (
        f"*{escape(o.external_id)}* · {escape(clip(o.customer, 80))} · {person(o.owner)}\n"
        f"ETA {eta} (promised {o.promised_date.isoformat()}) · "
        f"{days_late(due_date(o), today)} · {reasons}"
    )
    open_button = ButtonElement(text="Open", action_id=ids.OPEN_ORDER_ACTION, value=o.external_id)
    return SectionBlock(
        block_id=f"order:{clip(o.external_id, 200)}",
        text=MarkdownTextObject(text=clip(text, 3000)),
        accessory=open_button,
    )
