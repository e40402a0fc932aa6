"""Modals of the card's overflow menu: reassign, snooze, close, expedite (+ their readers).

They open from an OrderRef (id and version) alone: an overflow option's value is too small
for more, and reading the order first would risk Slack's 3-second trigger_id window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    TimePickerElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.forms import (
    VALUE,
    FormErrors,
    ModalContext,
    chosen,
    options,
    picked_date,
    picked_user,
    state_value,
    text_input,
)
from bot.blocks.kit.text import clip, escape
from bot.services.orders.actions.closing import UNDO_WINDOW
from bot.services.orders.actions.inputs import TEXT_LIMIT
from storage.orders.tables import CLOSED_STATUSES, OrderStatus

OWNER_USER = "owner_user"
SNOOZE_DATE, SNOOZE_TIME, SNOOZE_REASON = "snooze_date", "snooze_time", "snooze_reason"
_HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")  # what Slack's time picker sends
CLOSE_STATUS, CLOSE_REASON = "close_status", "close_reason"
EXPEDITE_REASON = "expedite_reason"
# Service field names -> the block that shows their errors, per modal.
REASSIGN_FIELDS = {"owner": OWNER_USER}
SNOOZE_FIELDS = {"until": SNOOZE_DATE, "reason": SNOOZE_REASON}
CLOSE_FIELDS = {"status": CLOSE_STATUS, "reason": CLOSE_REASON}
EXPEDITE_FIELDS = {"reason": EXPEDITE_REASON}
# Snoozed orders wake at the start of the working day unless the rep picks another time.
WAKE_TIME = time(9, 0)


def _view(
    callback_id: str, title: str, ctx: ModalContext, blocks: list[Block], submit: str
) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=clip(title, 24),
        submit=submit,
        close="Cancel",
        private_metadata=ctx.encode(),
        blocks=blocks,
    )


def _summary(ctx: ModalContext, warning: str | None) -> list[Block]:
    blocks: list[Block] = []
    if warning:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":warning: {warning}")))
    text = f"Order *{escape(clip(ctx.external_id, 200))}*"
    blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    return blocks


def _text_block(block_id: str, label: str, placeholder: str) -> InputBlock:
    element = PlainTextInputElement(
        action_id=VALUE, multiline=True, max_length=TEXT_LIMIT, placeholder=placeholder
    )
    return InputBlock(block_id=block_id, label=label, element=element)


def build_reassign_modal(ctx: ModalContext, warning: str | None = None) -> View:
    """Pick the new owner from the workspace's people."""
    picker = UserSelectElement(action_id=VALUE, placeholder="Choose a person")
    blocks = _summary(ctx, warning) + [
        InputBlock(block_id=OWNER_USER, label="New owner", element=picker)
    ]
    return _view(ids.REASSIGN_MODAL, "Reassign order", ctx, blocks, "Reassign")


def read_reassign_form(state: dict[str, Any]) -> str:
    """The chosen owner's user id; FormErrors when nobody was chosen."""
    user = picked_user(state, OWNER_USER)
    if user is None:
        raise FormErrors({OWNER_USER: "Choose who owns the order."})
    return user


def build_snooze_modal(
    ctx: ModalContext, warning: str | None = None, *, today: date, zone_name: str
) -> View:
    """A day, an optional time (default 09:00 in the bot's zone) and a required reason."""
    blocks = _summary(ctx, warning) + [
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
        _text_block(SNOOZE_REASON, "Reason", "Why can the order wait?"),
    ]
    return _view(ids.SNOOZE_MODAL, "Snooze order", ctx, blocks, "Snooze")


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


def build_close_modal(ctx: ModalContext, warning: str | None = None) -> View:
    """The confirm step of closing: filled or cancelled, and why."""
    statuses = options((s.value, s.label) for s in sorted(CLOSED_STATUSES, reverse=True))
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    blocks = _summary(ctx, warning) + [
        InputBlock(
            block_id=CLOSE_STATUS,
            label="Close as",
            element=RadioButtonsElement(action_id=VALUE, options=statuses),
        ),
        _text_block(CLOSE_REASON, "Reason", "Why is the order closed?"),
        ContextBlock(
            elements=[MarkdownTextObject(text=f"You can undo this for {minutes} minutes.")]
        ),
    ]
    return _view(ids.CLOSE_MODAL, "Close order", ctx, blocks, "Close order")


@dataclass(frozen=True)
class CloseForm:
    """A submitted close modal."""

    status: OrderStatus
    reason: str


def read_close_form(state: dict[str, Any]) -> CloseForm:
    """The close modal's values; FormErrors for a missing status or reason."""
    status, reason = chosen(state, CLOSE_STATUS, OrderStatus), text_input(state, CLOSE_REASON)
    errors = {}
    if status not in CLOSED_STATUSES:
        errors[CLOSE_STATUS] = "Pick filled or cancelled."
    if reason is None:
        errors[CLOSE_REASON] = "Say why the order is closed."
    if errors or status is None or reason is None:
        raise FormErrors(errors)
    return CloseForm(status, reason)


def build_expedite_modal(ctx: ModalContext, warning: str | None = None) -> View:
    """Why the order needs expediting; the leads decide in the team channel."""
    blocks = _summary(ctx, warning) + [
        _text_block(EXPEDITE_REASON, "Reason", "Why does the order need to move faster?"),
        ContextBlock(
            elements=[MarkdownTextObject(text="The team's leads approve or deny the request.")]
        ),
    ]
    return _view(ids.EXPEDITE_MODAL, "Request expedite", ctx, blocks, "Request")


def read_expedite_form(state: dict[str, Any]) -> str:
    """The reason as written ("" when blank: the service says what is missing)."""
    return text_input(state, EXPEDITE_REASON) or ""
