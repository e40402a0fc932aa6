"""Block Kit for `/backlog history`: the audit trail of one order."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.kit.text import clip, escape, moment, person
from storage.orders.tables import EventKind, Order, OrderEvent

# A message holds 50 blocks and Slack refuses blocks past about 12,000 characters in all:
# the trail is packed into sections of up to 2,800 characters, at most 4 of them.
_SECTION_CHARS = 2800
_MAX_SECTIONS = 4
_LINE_CHARS = 500

_VERBS: dict[str, str] = {
    EventKind.CREATED: "created the order",
    EventKind.FIELD_CHANGED: "changed",
    EventKind.ETA_CHANGED: "changed the ETA",
    EventKind.STATUS_CHANGED: "changed the status",
    EventKind.CONTACT_LOGGED: "logged a customer contact",
    EventKind.NOTE_ADDED: "added a note",
    EventKind.FEEDBACK_LOGGED: "logged customer feedback",
    EventKind.FEEDBACK_UPDATED: "classified customer feedback",
}


def build_history(order: Order, events: list[OrderEvent], zone: tzinfo) -> list[Block]:
    """Newest first; says how many older events did not fit instead of dropping them silently."""
    blocks: list[Block] = [HeaderBlock(text=clip(f"History of {order.external_id}", 150))]
    sections: list[str] = []
    current = ""
    shown = 0
    for event in events:
        line = clip(event_line(event, zone), _LINE_CHARS) + "\n"
        if len(current) + len(line) > _SECTION_CHARS:
            if len(sections) + 1 == _MAX_SECTIONS:
                break
            sections.append(current)
            current = ""
        current += line
        shown += 1
    if current:
        sections.append(current)
    blocks += [SectionBlock(text=MarkdownTextObject(text=text)) for text in sections]
    footer = f"{len(events)} events, newest first"
    if shown < len(events):
        footer = f"Showing the newest {shown} of {len(events)} events (the rest did not fit)"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return blocks


def event_line(event: OrderEvent, zone: tzinfo) -> str:
    """One readable line: when, who (and from where), what changed, why."""
    who = person(event.actor) if event.source == "slack" else escape(event.actor)
    what = _VERBS.get(event.kind, event.kind.replace("_", " "))
    if event.field and event.kind != EventKind.CREATED:
        what += (
            f" *{event.field}*: {escape(event.old_value or '–')} → {escape(event.new_value or '–')}"
        )
    note = f" — {escape(event.note)}" if event.note else ""
    return f"`{moment(event.at, zone)}` {who} ({event.source}) {what}{note}"
