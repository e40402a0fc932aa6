"""Modals of the order card: update ETA, log customer contact, add note (+ their readers)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.forms import (
    VALUE,
    FormErrors,
    ModalContext,
    checked,
    chosen,
    options,
    picked_date,
    raw_text,
    text_input,
)
from bot.blocks.kit.text import clip, escape
from bot.blocks.orders.menu_modal_frame import order_modal_view
from bot.services.orders.actions.inputs import TEXT_LIMIT, ContactChannel, ContactOutcome, EtaReason
from storage.orders.tables import Order

ETA_DATE, ETA_REASON, ETA_NOTE, ETA_INFORMED = "eta_date", "eta_reason", "eta_note", "eta_informed"
CONTACT_CHANNEL, CONTACT_OUTCOME, CONTACT_NOTE = (
    "contact_channel",
    "contact_outcome",
    "contact_note",
)
NOTE_TEXT = "note_text"
# Service field names -> the block that shows their errors.
FIELD_BLOCKS = {"eta": ETA_DATE, "reason": ETA_REASON, "note": NOTE_TEXT}


@dataclass(frozen=True)
class OrderBrief:
    """What a modal shows of its order; small enough to travel in a button's value."""

    external_id: str
    version: int
    customer: str
    promised: date
    eta: date | None

    @classmethod
    def of(cls, order: Order) -> OrderBrief:
        return cls(
            order.external_id, order.version, order.customer, order.promised_date, order.current_eta
        )

    def encode(self) -> str:
        data = {
            "o": self.external_id,
            "v": self.version,
            "c": clip(self.customer, 80),
            "p": self.promised.isoformat(),
            "e": self.eta.isoformat() if self.eta else None,
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> OrderBrief:
        d = json.loads(text)
        eta = date.fromisoformat(d["e"]) if d.get("e") else None
        return cls(str(d["o"]), int(d["v"]), str(d["c"]), date.fromisoformat(d["p"]), eta)


def _summary(order: OrderBrief, warning: str | None) -> list[Block]:
    eta = order.eta.isoformat() if order.eta else "none"
    text = (
        f"*{escape(order.external_id)}* · {escape(clip(order.customer, 100))}\n"
        f"Promised {order.promised.isoformat()} · current ETA {eta}"
    )
    blocks: list[Block] = []
    if warning:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":warning: {warning}")))
    blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    return blocks


def build_eta_modal(order: OrderBrief, context: ModalContext, warning: str | None = None) -> View:
    """Date picker, reason, note and "customer already informed?"."""
    initial = order.eta or order.promised
    reasons = options((r.value, r.label) for r in EtaReason)
    blocks = _summary(order, warning) + [
        InputBlock(
            block_id=ETA_DATE,
            label="New ETA",
            element=DatePickerElement(action_id=VALUE, initial_date=initial.isoformat()),
        ),
        InputBlock(
            block_id=ETA_REASON,
            label="Reason",
            element=StaticSelectElement(
                action_id=VALUE, options=reasons, placeholder="Why did it move?"
            ),
        ),
        InputBlock(
            block_id=ETA_NOTE,
            label="Note",
            optional=True,
            element=PlainTextInputElement(action_id=VALUE, multiline=True, max_length=TEXT_LIMIT),
        ),
        InputBlock(
            block_id=ETA_INFORMED,
            label="Customer",
            optional=True,
            element=CheckboxesElement(
                action_id=VALUE, options=options([("yes", "Customer already informed of this ETA")])
            ),
        ),
    ]
    return order_modal_view(ids.ETA_MODAL, "Update ETA", context, blocks, "Save ETA")


@dataclass(frozen=True)
class EtaForm:
    """A submitted ETA modal."""

    new_eta: date
    reason: EtaReason
    note: str | None
    customer_informed: bool


def read_eta_form(state: dict[str, Any]) -> EtaForm:
    """The ETA modal's values; FormErrors for anything missing."""
    new_eta, reason = picked_date(state, ETA_DATE), chosen(state, ETA_REASON, EtaReason)
    errors = {}
    if new_eta is None:
        errors[ETA_DATE] = "Pick the new ETA."
    if reason is None:
        errors[ETA_REASON] = "Pick a reason."
    if errors or new_eta is None or reason is None:
        raise FormErrors(errors)
    return EtaForm(new_eta, reason, text_input(state, ETA_NOTE), checked(state, ETA_INFORMED))


def build_contact_modal(
    order: OrderBrief, context: ModalContext, warning: str | None = None
) -> View:
    """Channel, outcome and note of a customer contact."""
    blocks = _summary(order, warning) + [
        InputBlock(
            block_id=CONTACT_CHANNEL,
            label="Channel",
            element=StaticSelectElement(
                action_id=VALUE,
                options=options((c.value, c.label) for c in ContactChannel),
                placeholder="How?",
            ),
        ),
        InputBlock(
            block_id=CONTACT_OUTCOME,
            label="Outcome",
            element=StaticSelectElement(
                action_id=VALUE,
                options=options((o.value, o.label) for o in ContactOutcome),
                placeholder="What happened?",
            ),
        ),
        InputBlock(
            block_id=CONTACT_NOTE,
            label="Note",
            optional=True,
            element=PlainTextInputElement(action_id=VALUE, multiline=True, max_length=TEXT_LIMIT),
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="An outcome that reached the customer marks the current ETA as told."
                )
            ]
        ),
    ]
    return order_modal_view(
        ids.CONTACT_MODAL, "Log customer contact", context, blocks, "Log contact"
    )


@dataclass(frozen=True)
class ContactForm:
    """A submitted contact modal."""

    channel: ContactChannel
    outcome: ContactOutcome
    note: str | None


def read_contact_form(state: dict[str, Any]) -> ContactForm:
    """The contact modal's values; FormErrors for anything missing."""
    channel = chosen(state, CONTACT_CHANNEL, ContactChannel)
    outcome = chosen(state, CONTACT_OUTCOME, ContactOutcome)
    errors = {}
    if channel is None:
        errors[CONTACT_CHANNEL] = "Pick how you reached the customer."
    if outcome is None:
        errors[CONTACT_OUTCOME] = "Pick the outcome."
    if errors or channel is None or outcome is None:
        raise FormErrors(errors)
    return ContactForm(channel, outcome, text_input(state, CONTACT_NOTE))


def build_note_modal(order: OrderBrief, context: ModalContext, warning: str | None = None) -> View:
    """One multi-line note."""
    element = PlainTextInputElement(action_id=VALUE, multiline=True, max_length=TEXT_LIMIT)
    blocks = _summary(order, warning) + [
        InputBlock(block_id=NOTE_TEXT, label="Note", element=element)
    ]
    return order_modal_view(ids.NOTE_MODAL, "Add note", context, blocks, "Add note")


def read_note_form(state: dict[str, Any]) -> str:
    """The note as written; FormErrors when it is empty."""
    raw = raw_text(state, NOTE_TEXT)
    if raw is None or not raw.strip():
        raise FormErrors({NOTE_TEXT: "Write the note (it cannot be empty)."})
    return raw
