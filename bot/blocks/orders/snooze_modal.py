"""The Snooze modal of the card's overflow menu: until when, and why the order can wait."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any

from slack_sdk.models.blocks import DatePickerElement, InputBlock, TimePickerElement
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.forms import (
    VALUE,
    FormErrors,
    ModalContext,
    picked_date,
    state_value,
    text_input,
)
from bot.blocks.kit.text import clip
from bot.blocks.orders.menu_modal_frame import order_modal_view, order_summary, reason_block

SNOOZE_DATE, SNOOZE_TIME, SNOOZE_REASON = "snooze_date", "snooze_time", "snooze_reason"
_HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")  # what Slack's time picker sends
# Service field names -> the block that shows their errors.
SNOOZE_FIELDS = {"until": SNOOZE_DATE, "reason": SNOOZE_REASON}
# Snoozed orders wake at the start of the working day unless the rep picks another time.
WAKE_TIME = time(9, 0)


def build_snooze_modal(
    ctx: ModalContext, warning: str | None = None, *, today: date, zone_name: str
) -> View:
    """A day, an optional time (default 09:00 in the bot's zone) and a required reason."""
    blocks = order_summary(ctx, warning) + [
        InputBlock(
            block_id=SNOOZE_DATE,
            label="Snooze until",
            element=DatePickerElement(action_id=VALUE, initial_date=today.isoformat()),
        ),
        InputBlock(
            block_id=SNOOZE_TIME,
            label=clip(f"Time ({zone_name})", 2000),
            optional=True,
            element=TimePickerElement(action_id=VALUE, initial_time=WAKE_TIME.strftime("%H:%M")),
        ),
        reason_block(SNOOZE_REASON, "Reason", "Why can the order wait?"),
    ]
    return order_modal_view(ids.SNOOZE_MODAL, "Snooze order", ctx, blocks, "Snooze")


@dataclass(frozen=True)
class SnoozeForm:
    """A submitted snooze modal; the service checks the time and the reason."""

    until: datetime
    reason: str


def read_snooze_form(state: dict[str, Any], zone: tzinfo) -> SnoozeForm:
    """The snooze modal's values, the time read in `zone`; FormErrors without a day."""
    day = picked_date(state, SNOOZE_DATE)
    if day is None:
        raise FormErrors({SNOOZE_DATE: "Pick the day the order needs attention again."})
    at = _picked_time(state) or WAKE_TIME
    until = datetime.combine(day, at).replace(tzinfo=zone)
    return SnoozeForm(until, text_input(state, SNOOZE_REASON) or "")


def _picked_time(state: dict[str, Any]) -> time | None:
    """The time picker's HH:MM; FormErrors for anything else."""
    picked = state_value(state, SNOOZE_TIME).get("selected_time")
    if picked is None:
        return None
    if isinstance(picked, str) and _HH_MM.fullmatch(picked):
        return time.fromisoformat(picked)
    raise FormErrors({SNOOZE_TIME: "Pick a time of day, such as 09:00."})
