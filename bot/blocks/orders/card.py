"""Block Kit for the order card."""

from __future__ import annotations

from datetime import date, tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InteractiveElement,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, day, days_late, escape, moment, person
from bot.blocks.orders.button_modals import OrderBrief
from bot.blocks.orders.feedback_section import build_feedback_section
from bot.blocks.orders.menu import build_order_menu
from bot.services.orders.lagging import due_date
from bot.services.orders.reader import OrderDetail, OrderSummary
from storage.orders.tables import EventKind, Order, OrderEvent, OrderStatus

_NOTE_CHARS = 400  # keeps three notes well inside a section's 3,000 characters


def order_card_text(summary: OrderSummary) -> str:
    """The card's plain-text fallback (notifications, screen readers)."""
    o = summary.order
    eta = o.current_eta.isoformat() if o.current_eta else "none"
    return (
        f"Order {o.external_id} for {o.customer}: {OrderStatus(o.status).label}, "
        f"ETA {eta} (promised {o.promised_date.isoformat()})"
    )


def build_order_card(
    detail: OrderDetail, today: date, zone: tzinfo, *, shareable: bool = True
) -> list[Block]:
    """The order card: facts, why it lags, latest notes and feedback; Share when ephemeral."""
    o = detail.order
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"Order {o.external_id} · {o.customer}", 150)),
        SectionBlock(fields=_fields(detail, today, zone)),
        ContextBlock(elements=[MarkdownTextObject(text=_lag_line(detail, zone))]),
    ]
    if detail.notes:
        lines = [_note_line(event, zone) for event in detail.notes]
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Latest*\n" + "\n".join(lines))))
    blocks += build_feedback_section(detail.feedback, zone)
    blocks.append(build_order_actions(o, shareable=shareable))
    return blocks


def build_order_card_modal(detail: OrderDetail, today: date, zone: tzinfo, home: str) -> View:
    """The card in a modal (from the Home tab); `home` is the Home state to publish after saves."""
    return View(
        type="modal",
        callback_id=ids.ORDER_CARD_MODAL,
        title=clip(f"Order {detail.order.external_id}", 24),
        close="Close",
        private_metadata=home,
        blocks=build_order_card(detail, today, zone, shareable=False),
    )


def build_order_actions(
    o: Order, *, shareable: bool, block_id: str = ids.ORDER_ACTIONS_BLOCK
) -> ActionsBlock:
    """The card's buttons and ⋯ menu; a listing of several orders gives each its own block_id."""
    return ActionsBlock(block_id=block_id, elements=_buttons(o, shareable))


def _buttons(o: Order, shareable: bool) -> list[InteractiveElement]:
    brief = OrderBrief.of(o).encode()
    buttons: list[InteractiveElement] = []
    if o.is_open:
        buttons.append(
            ButtonElement(text="Update ETA", action_id=ids.ETA_ACTION, value=brief, style="primary")
        )
    buttons += [
        ButtonElement(text="Log customer contact", action_id=ids.CONTACT_ACTION, value=brief),
        ButtonElement(text="Add note", action_id=ids.NOTE_ACTION, value=brief),
    ]
    if o.is_open:
        buttons.append(
            ButtonElement(
                text="Draft customer update", action_id=ids.DRAFT_UPDATE_ACTION, value=o.external_id
            )
        )
    if shareable:
        buttons.append(
            ButtonElement(
                text="Share in channel", action_id=ids.SHARE_ORDER_ACTION, value=o.external_id
            )
        )
    if o.is_open:
        # The rarer actions go in one overflow menu: five more buttons would crowd the card.
        buttons.append(build_order_menu(o))
    return buttons


def _fields(detail: OrderDetail, today: date, zone: tzinfo) -> list[MarkdownTextObject]:
    o = detail.order
    pairs = [
        ("Status", OrderStatus(o.status).label),
        ("Owner", person(o.owner)),
        (
            "Customer",
            escape(o.customer) + (f"\n{escape(o.customer_email)}" if o.customer_email else ""),
        ),
        ("Age", f"{detail.age_business_days} business days (ordered {day(o.ordered_at.date())})"),
        ("Promised", day(o.promised_date)),
        ("ETA", _eta(o, today)),
        ("Customer told", _told(detail, zone)),
        ("Item", _item(o)),
    ]
    if o.team or o.supplier:
        pairs.append(("Team / supplier", " · ".join(escape(v) for v in (o.team, o.supplier) if v)))
    return [MarkdownTextObject(text=clip(f"*{k}*\n{v}", 2000)) for k, v in pairs]


def _eta(o: Order, today: date) -> str:
    if o.current_eta is None:
        return f"_none yet_ · {days_late(o.promised_date, today)}"
    text = f"{day(o.current_eta)} · {days_late(o.current_eta, today)}"
    if o.slip_count:
        text += f"\nslipped {o.slip_count}× · +{o.days_slipped} days in all"
    return text


def _told(detail: OrderDetail, zone: tzinfo) -> str:
    last = detail.order.last_contact_at
    seen = f"last contact {moment(last, zone)}" if last else "no contact logged"
    return f"{'Yes' if detail.customer_told else 'No'} · {seen}"


def _item(o: Order) -> str:
    parts = [escape(v) for v in (o.sku, o.product) if v]
    quantity = f"{o.quantity.normalize():f} units" if o.quantity is not None else None
    value = f"{o.value:,.2f} {o.currency or ''}".strip() if o.value is not None else None
    parts += [v for v in (quantity, value) if v]
    return clip(" · ".join(parts), 600) or "_not given_"


def _lag_line(detail: OrderDetail, zone: tzinfo) -> str:
    o = detail.order
    if not o.is_open:
        closed = f" on {moment(o.closed_at, zone)}" if o.closed_at else ""
        return f":white_check_mark: Closed{closed}"
    snoozed = f" · :zzz: snoozed until {moment(o.snoozed_until, zone)}" if o.snoozed_until else ""
    if not detail.lagging:
        return f":large_green_circle: On track · due {day(due_date(o))}{snoozed}"
    reasons = ", ".join(kind.label for kind in detail.lagging)
    return f":warning: Lagging: {reasons}{snoozed}"


def _note_line(event: OrderEvent, zone: tzinfo) -> str:
    label = "Contact" if event.kind == EventKind.CONTACT_LOGGED else "Note"
    text = clip(escape(event.note or event.new_value or ""), _NOTE_CHARS)
    return f"• {label} by {person(event.actor)}, {moment(event.at, zone)}: {text}"
