"""The order card's overflow menu: the less frequent actions, one compact value per option."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from slack_sdk.models.blocks import Option, OverflowMenuElement

from bot.blocks.kit import ids
from storage.orders.tables import Order


class MenuChoice(StrEnum):
    """An overflow option; the value is the first part of the option's value."""

    TAKE = "own"
    REASSIGN = "assign"
    SNOOZE = "snooze"
    CLOSE = "close"
    EXPEDITE = "expedite"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    MenuChoice.TAKE: "Take ownership",
    MenuChoice.REASSIGN: "Reassign…",
    MenuChoice.SNOOZE: "Snooze until…",
    MenuChoice.CLOSE: "Mark filled / cancel…",
    MenuChoice.EXPEDITE: "Request expedite…",
}


@dataclass(frozen=True)
class OrderRef:
    """An order and the version its card showed: all an overflow option can carry.

    Slack caps an overflow option's value at 150 characters, too few for an OrderBrief:
    "expedite|" + a 128-character id + "|" + the version still fits.
    """

    external_id: str
    version: int

    @classmethod
    def of(cls, order: Order) -> OrderRef:
        return cls(order.external_id, order.version)

    def encode(self, choice: MenuChoice) -> str:
        return f"{choice.value}|{self.external_id}|{self.version}"

    @classmethod
    def decode(cls, value: str) -> tuple[MenuChoice, OrderRef]:
        """(choice, order) from an option value; ids may contain "|", versions may not."""
        choice, rest = value.split("|", 1)
        external_id, version = rest.rsplit("|", 1)
        return MenuChoice(choice), cls(external_id, int(version))


def build_order_menu(order: Order) -> OverflowMenuElement:
    """Take ownership, Reassign, Snooze, Mark filled / cancel and Request expedite."""
    ref = OrderRef.of(order)
    choices = [Option(value=ref.encode(choice), text=choice.label) for choice in MenuChoice]
    return OverflowMenuElement(action_id=ids.ORDER_MENU_ACTION, options=choices)
