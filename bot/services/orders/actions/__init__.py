"""The write side of orders: every action a rep takes on an order card."""

from bot.services.orders.actions.closing import UNDO_WINDOW
from bot.services.orders.actions.inputs import TEXT_LIMIT, ContactChannel, ContactOutcome, EtaReason
from bot.services.orders.actions.service import OrderActions
from bot.services.orders.actions.unit import ActionResult

__all__ = [
    "TEXT_LIMIT",
    "UNDO_WINDOW",
    "ActionResult",
    "ContactChannel",
    "ContactOutcome",
    "EtaReason",
    "OrderActions",
]
