"""The wording of a customer update: order, items, new ETA, reason, apology and an offer.

Pure functions of the order and its latest ETA change, so a draft shown and a draft sent
from the same order version read the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.services.orders.actions.inputs import EtaReason
from storage.orders.tables import ExpediteRequest, ExpediteStatus, Order, OrderEvent, OrderStatus

_NOTE_CHARS = 500  # a rep's note is context, not the letter: long ones are cut
_ITEM_CHARS = 200
_SLIP_SUFFIX = re.compile(r"; slipped \d+ day\(s\)$")
# How each reason reads to a customer (the internal labels are for the team).
_CUSTOMER_REASONS = {
    EtaReason.SUPPLIER_DELAY: "a delay at our supplier",
    EtaReason.STOCK_ALLOCATION: "stock for your order arriving later than planned",
    EtaReason.TRANSPORT: "a transport delay",
    EtaReason.QUALITY_HOLD: "a quality check on the goods, to make sure they meet our standards",
    EtaReason.CUSTOMER_REQUEST: "the change you asked for",
}


class Offer(StrEnum):
    """What the update offers the customer."""

    EXPEDITE_REQUESTED = "expedite_requested"  # a pending request: we are trying to hurry it
    EXPEDITE_APPROVED = "expedite_approved"
    PARTIAL_SHIPMENT = "partial_shipment"
    EXPEDITE_OFFER = "expedite_offer"  # nothing under way: offer to try


@dataclass(frozen=True)
class CustomerUpdateDraft:
    """A ready-to-send message for one order, as of one order version."""

    external_id: str
    version: int
    customer: str
    customer_email: str | None
    subject: str
    text: str
    offer: Offer


@dataclass(frozen=True)
class EtaChange:
    """What the latest ETA change says: the reason (when a rep gave one) and the rep's note."""

    reason: EtaReason | None
    note: str | None

    @classmethod
    def of(cls, event: OrderEvent | None) -> EtaChange:
        """Read back the note OrderActions wrote: "<reason label>[: note][; slipped N day(s)]"."""
        if event is None or not event.note:
            return cls(None, None)
        text = _SLIP_SUFFIX.sub("", event.note)
        for reason in EtaReason:
            if text == reason.label:
                return cls(reason, None)
            if text.startswith(f"{reason.label}: "):
                return cls(reason, text.removeprefix(f"{reason.label}: ").strip() or None)
        return cls(None, text.strip() or None)  # an import's or the API's own words


def compose_draft(
    order: Order, change: EtaChange, expedite: ExpediteRequest | None, today: date
) -> CustomerUpdateDraft:
    """The update for `order`, as a rep would send it after reading it through."""
    offer = choose_offer(order, expedite)
    delayed = is_delayed(order, today)
    paragraphs = [
        f"Dear {order.customer},",
        f"We are writing about your order {order.external_id}{_items(order)}.",
        _eta_paragraph(order, change, today),
        "We are sorry for the delay and for the trouble it may cause you." if delayed else "",
        _offer_paragraph(offer) if delayed or offer is not Offer.EXPEDITE_OFFER else "",
        "Kind regards,",
    ]
    return CustomerUpdateDraft(
        external_id=order.external_id,
        version=order.version,
        customer=order.customer,
        customer_email=order.customer_email,
        subject=f"Update on your order {order.external_id}",
        text="\n\n".join(p for p in paragraphs if p),
        offer=offer,
    )


def is_delayed(order: Order, today: date) -> bool:
    """Will the order miss its promise: a later ETA, backordered, or the promise passed?"""
    if order.current_eta is not None:
        # An ETA that has itself passed is as late as a later one: the customer needs news.
        return order.current_eta > order.promised_date or order.current_eta < today
    return order.status == OrderStatus.BACKORDERED or order.promised_date < today


def choose_offer(order: Order, expedite: ExpediteRequest | None) -> Offer:
    """An expedite under way first, then a partial shipment, else an offer to expedite."""
    if expedite is not None and expedite.status == ExpediteStatus.APPROVED:
        return Offer.EXPEDITE_APPROVED
    if expedite is not None and expedite.status == ExpediteStatus.PENDING:
        return Offer.EXPEDITE_REQUESTED
    if order.status == OrderStatus.PARTIALLY_FILLED:
        return Offer.PARTIAL_SHIPMENT
    return Offer.EXPEDITE_OFFER


def _items(order: Order) -> str:
    parts = [value for value in (order.sku, order.product) if value]
    if order.quantity is not None:
        parts.append(f"{order.quantity.normalize():f} units")
    if not parts:
        return ""
    text = ", ".join(parts)
    return f" ({text if len(text) <= _ITEM_CHARS else text[: _ITEM_CHARS - 1] + '…'})"


def _eta_paragraph(order: Order, change: EtaChange, today: date) -> str:
    promised = order.promised_date.isoformat()
    eta = order.current_eta
    if eta is None and not is_delayed(order, today):
        text = f"We still expect to deliver it on {promised}, as promised."
    elif eta is None:
        text = (
            f"Unfortunately it will not arrive on {promised} as promised, and we do not have a"
            " confirmed new delivery date yet; we will tell you as soon as we do."
        )
    elif eta > order.promised_date:
        late = (eta - order.promised_date).days
        text = (
            f"Unfortunately it will not arrive on {promised} as promised: the new expected"
            f" delivery date is {eta.isoformat()}, {late} day{'s' * (late != 1)} later."
        )
    else:
        text = f"The expected delivery date is {eta.isoformat()}."
    if change.reason in _CUSTOMER_REASONS:
        text += f" The change is due to {_CUSTOMER_REASONS[change.reason]}."
    if change.note:
        note = change.note if len(change.note) <= _NOTE_CHARS else change.note[:_NOTE_CHARS] + "…"
        text += f"\n{note}"
    return text


def _offer_paragraph(offer: Offer) -> str:
    if offer is Offer.EXPEDITE_APPROVED:
        return (
            "We have arranged to expedite your order and will confirm the earlier date as soon"
            " as we have it."
        )
    if offer is Offer.EXPEDITE_REQUESTED:
        return (
            "We have asked our team to expedite your order and will let you know as soon as we"
            " can bring the date forward."
        )
    if offer is Offer.PARTIAL_SHIPMENT:
        return (
            "Part of your order is ready now. If it helps, we can ship what we have straight"
            " away and send the rest when it arrives; just reply to let us know."
        )
    return (
        "If this date is a problem for you, reply to this message and we will see whether we"
        " can expedite your order."
    )
