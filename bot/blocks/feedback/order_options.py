"""Options of the feedback modal's order picker (an external select answered by the bot)."""

from __future__ import annotations

from slack_sdk.models.blocks import Option, OptionGroup

from bot.blocks.feedback.log_modal import Target
from bot.blocks.kit.text import clip
from bot.services.feedback.entries import TargetSuggestions

# Slack: option text at most 75 characters, option value at most 150.
_TEXT_CHARS = 75
_VALUE_CHARS = 150


def build_target_options(suggestions: TargetSuggestions, typed: str) -> list[OptionGroup]:
    """Open orders, then customers for feedback without an order (including what was typed)."""
    groups: list[OptionGroup] = []
    orders = [
        Option(
            value=Target(external_id=order_id).encode(),
            text=clip(f"{order_id} · {name}", _TEXT_CHARS),
        )
        for order_id, name in suggestions.orders
    ]
    if orders:
        groups.append(OptionGroup(label="Open orders", options=orders))
    names = _customers(suggestions.customers, typed)
    if names:
        customers = [
            Option(
                value=Target(customer=name).encode(), text=clip(f"{name} (no order)", _TEXT_CHARS)
            )
            for name in names
        ]
        groups.append(OptionGroup(label="Customer, without an order", options=customers))
    return groups


def _customers(known: list[str], typed: str) -> list[str]:
    names = list(known)
    wanted = typed.strip()
    if wanted and wanted.lower() not in {name.lower() for name in names}:
        names.append(wanted)
    # A name too long for an option's value cannot be picked whole: leave it out rather than
    # log feedback against a cut-off name.
    return [name for name in names if len(Target(customer=name).encode()) <= _VALUE_CHARS]
