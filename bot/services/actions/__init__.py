"""The write side of orders: every action a rep takes on an order card."""

from bot.services.actions.closing import UNDO_WINDOW
from bot.services.actions.inputs import TEXT_LIMIT, ContactChannel, ContactOutcome, EtaReason
from bot.services.actions.service import OrderActions
from bot.services.actions.unit import ActionResult

__all__ = [
    "TEXT_LIMIT",
    "UNDO_WINDOW",
    "ActionResult",
    "ContactChannel",
    "ContactOutcome",
    "EtaReason",
    "OrderActions",
]
