"""A digest row's overflow menu: the order card's modals, opened from the option value alone."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from slack_sdk.models.blocks import ButtonElement, InteractiveElement, Option, OverflowMenuElement

from bot.blocks.kit import ids
from bot.blocks.orders.button_modals import OrderBrief
from bot.services.digests.content import DigestOrder

# Slack caps an overflow option's value at 150 characters. Every character of a value counts
# against the message's ~12k as well, so the customer (only shown in the modal) is kept short.
_VALUE_CHARS = 150
_CUSTOMER_CHARS = 40


class RowChoice(StrEnum):
    """What a digest row's menu offers; the value's first element."""

    ETA = "eta"
    CONTACT = "contact"
    SNOOZE = "snooze"
    CARD = "card"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    RowChoice.ETA: "Update ETA…",
    RowChoice.CONTACT: "Log contact…",
    RowChoice.SNOOZE: "Snooze…",
    RowChoice.CARD: "Open card",
}
# The modals of these choices show the order's customer, promise and ETA.
_NEEDS_BRIEF = frozenset({RowChoice.ETA, RowChoice.CONTACT})


def encode_choice(choice: RowChoice, order: DigestOrder) -> str | None:
    """The option value, compact: "snooze|VERSION|ID"; ETA and contact also carry the promise,
    ETA and customer: "eta|VERSION|PROMISED|ETA|CUSTOMER|ID". The id comes last because it may
    hold "|"; the customer is only shown, so its "|" become "/" and it is cut to fit.

    None when even the id does not fit (ids may hold 128 characters).
    """
    if choice not in _NEEDS_BRIEF:
        value = f"{choice.value}|{order.version}|{order.external_id}"
        return value if len(value) <= _VALUE_CHARS else None
    eta = order.current_eta.isoformat() if order.current_eta else ""
    head = f"{choice.value}|{order.version}|{order.promised_date.isoformat()}|{eta}|"
    room = _VALUE_CHARS - len(head) - len(order.external_id) - 1
    if room < 0:
        return None
    customer = order.customer.replace("|", "/")[: min(room, _CUSTOMER_CHARS)]
    return f"{head}{customer}|{order.external_id}"


def decode_choice(value: str) -> tuple[RowChoice, OrderBrief]:
    """(choice, the order as the row showed it); promise and ETA only for ETA and contact."""
    choice = RowChoice(value.split("|", 1)[0])
    if choice not in _NEEDS_BRIEF:
        _, version, external_id = value.split("|", 2)
        return choice, OrderBrief(external_id, int(version), "", date.min, None)
    _, version, promised, eta, customer, external_id = value.split("|", 5)
    brief = OrderBrief(
        external_id,
        int(version),
        customer,
        date.fromisoformat(promised),
        date.fromisoformat(eta) if eta else None,
    )
    return choice, brief


def build_row_menu(order: DigestOrder) -> InteractiveElement:
    """Update ETA, Log contact, Snooze, Open card; just an Open button for a very long id."""
    values = [(choice, encode_choice(choice, order)) for choice in RowChoice]
    if any(value is None for _, value in values):
        # The card's Open button carries up to 2,000 characters, and the card has every action.
        return ButtonElement(text="Open", action_id=ids.OPEN_ORDER_ACTION, value=order.external_id)
    options = [Option(value=value, text=choice.label) for choice, value in values if value]
    return OverflowMenuElement(action_id=ids.DIGEST_ROW_ACTION, options=options)
