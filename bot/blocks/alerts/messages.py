"""Alerts: the line in the order's team thread and the DM to its owner."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InteractiveElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, day, escape
from bot.blocks.orders.button_modals import OrderBrief
from bot.services.alerts.plans import AlertPlan, contact_since_eta_change
from storage.alerts.tables import AlertKind

_NOT_TOLD = "No customer contact is logged since the ETA changed."


def build_alert_line(plan: AlertPlan, actor_name: str | None) -> tuple[str, list[Block]]:
    """The thread line: what happened, named without @-mentions (nobody is pinged in channel)."""
    text = _what_happened(plan, actor_name)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip(escape(text), 3000)))]
    if not contact_since_eta_change(plan.order):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_NOT_TOLD)]))
    blocks.append(_buttons(plan))
    return text, blocks


def build_alert_dm(plan: AlertPlan, actor_name: str | None) -> tuple[str, list[Block]]:
    """The owner's DM: which order, what happened, and that the customer has not been told."""
    order = plan.order
    subject = f"Your order {order.external_id} · {order.customer}"
    text = f"{subject}: {_what_happened(plan, actor_name)} {_NOT_TOLD}"
    title = f"*{escape(clip(subject, 200))}*\n{escape(_what_happened(plan, actor_name))}"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=title)),
        ContextBlock(elements=[MarkdownTextObject(text=f"{_NOT_TOLD} Let the customer know?")]),
        _buttons(plan),
    ]
    return text, blocks


def _what_happened(plan: AlertPlan, actor_name: str | None) -> str:
    order = plan.order
    if plan.kind is AlertKind.OVERDUE:
        late = plan.days_late
        promised = order.promised_date
        text = f"Overdue: due {day(plan.due)} passed, {late} day{'s' if late != 1 else ''} late"
        return text if plan.due == promised else f"{text} (promised {promised.isoformat()})"
    days = plan.slip_days
    line = (
        f"ETA slipped {days} day{'s' if days != 1 else ''} to {plan.due.isoformat()} "
        f"(promised {order.promised_date.isoformat()}; slipped {order.slip_count}× in all)"
    )
    return f"{line} — {actor_name}" if actor_name else line


def _buttons(plan: AlertPlan) -> ActionsBlock:
    order = plan.order
    brief = OrderBrief.of(order).encode()
    buttons: list[InteractiveElement] = [
        ButtonElement(text="Open card", action_id=ids.OPEN_ORDER_ACTION, value=order.external_id)
    ]
    if order.is_open:
        buttons.append(ButtonElement(text="Update ETA", action_id=ids.ETA_ACTION, value=brief))
    buttons.append(
        ButtonElement(text="Log customer contact", action_id=ids.CONTACT_ACTION, value=brief)
    )
    return ActionsBlock(block_id=ids.ALERT_ACTIONS_BLOCK, elements=buttons)
