"""The leads' message about an expedite request: Approve / Deny, then who decided and when."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, escape, moment
from storage.orders.tables import ExpediteRequest, ExpediteStatus, Order

_REASON_CHARS = 2_000  # the section stays inside Slack's 3,000 characters


def expedite_text(order: Order, requester: str) -> str:
    """Plain-text fallback; people are named, not @-mentioned (nobody is pinged by it)."""
    return f"{requester} asks to expedite order {order.external_id} ({clip(order.customer, 100)})."


def _request_section(order: Order, request: ExpediteRequest, requester: str) -> SectionBlock:
    text = (
        f":rocket: *Expedite requested* for *{escape(order.external_id)}* · "
        f"{escape(clip(order.customer, 100))}\n"
        f"Asked by {escape(requester)}: {escape(clip(request.reason, _REASON_CHARS))}"
    )
    return SectionBlock(text=MarkdownTextObject(text=text))


def build_expedite_request(order: Order, request: ExpediteRequest, requester: str) -> list[Block]:
    """The request with Approve / Deny buttons; their value is the request id."""
    value = str(request.id)
    buttons = [
        ButtonElement(
            text="Approve", action_id=ids.EXPEDITE_APPROVE_ACTION, value=value, style="primary"
        ),
        ButtonElement(text="Deny", action_id=ids.EXPEDITE_DENY_ACTION, value=value, style="danger"),
    ]
    return [
        _request_section(order, request, requester),
        ActionsBlock(block_id=ids.EXPEDITE_DECISION_BLOCK, elements=buttons),
    ]


def decision_line(request: ExpediteRequest, decider: str, zone: tzinfo) -> str:
    """'Approved by NAME on 2026-11-24 10:00'."""
    verdict = "Approved" if request.status == ExpediteStatus.APPROVED else "Denied"
    when = f" on {moment(request.decided_at, zone)}" if request.decided_at else ""
    return f"{verdict} by {decider}{when}"


def build_expedite_decided(
    order: Order, request: ExpediteRequest, requester: str, decider: str, zone: tzinfo
) -> list[Block]:
    """The same request, its buttons replaced by the decision."""
    icon = ":white_check_mark:" if request.status == ExpediteStatus.APPROVED else ":no_entry:"
    line = f"{icon} {escape(decision_line(request, decider, zone))}"
    return [
        _request_section(order, request, requester),
        ContextBlock(elements=[MarkdownTextObject(text=line)]),
    ]


def decided_text(order: Order, request: ExpediteRequest, decider: str, zone: tzinfo) -> str:
    """The decided message's plain-text fallback."""
    return f"Expedite of {order.external_id}: {decision_line(request, decider, zone)}."


def requester_notice(order: Order, request: ExpediteRequest, decider_id: str) -> str:
    """The DM to the requester when a lead decided."""
    return f"Your expedite request for {order.external_id} was {request.status} by <@{decider_id}>."


def recorded_without_channel(order: Order) -> str:
    """The requester's reply when the order's team has no channel to ask the leads in."""
    return (
        f"Expedite request for {order.external_id} recorded, but no team channel is configured "
        "for its team, so no lead was asked in Slack. Tell a lead directly."
    )


def requested_text(order: Order, channel: str) -> str:
    """The requester's reply when the leads were asked."""
    return f"Expedite requested for {order.external_id}; the leads were asked in <#{channel}>."


def already_pending_text(order: Order) -> str:
    return f"An expedite request for {order.external_id} is already waiting for a lead."
