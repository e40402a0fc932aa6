"""The rules of the everyday actions: ETA, contact, note, owner, snooze (decided, not written)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.services.core.errors import InvalidInput
from bot.services.orders.actions.inputs import ContactChannel, ContactOutcome, EtaReason
from bot.services.orders.actions.unit import Context, Plan, repeated
from bot.services.orders.eta_rule import EtaHistory, EtaMove, effective_eta
from storage.orders.tables import EventKind, Order, OrderEvent, OrderStatus

TOLD_WITH_ETA = "told with the ETA change"


@dataclass(frozen=True)
class EtaChange:
    """A new ETA as a rep states it."""

    eta: date
    reason: EtaReason
    note: str | None
    customer_informed: bool


def require_open(order: Order, doing: str) -> None:
    """Closed orders keep their state: refuse to `doing` one."""
    if not order.is_open:
        label = OrderStatus(order.status).label.lower()
        raise InvalidInput(None, f"This order is {label}; you cannot {doing} a closed order.")


def plan_eta(order: Order, change: EtaChange, ctx: Context) -> Plan:
    """Move the ETA; a later date than the effective one is a slip."""
    require_open(order, "change the ETA of")
    if change.eta < ctx.today:
        raise InvalidInput("eta", "The new ETA is in the past.")
    if change.eta == effective_eta(order.current_eta, order.promised_date):
        return Plan.already_so(InvalidInput("eta", "That is already the ETA."))
    history = EtaHistory(
        order.promised_date, order.current_eta, order.slip_count, order.days_slipped
    )
    move = history.move_to(change.eta)
    values: dict[str, Any] = {"current_eta": change.eta, "eta_changed_at": ctx.now}
    values |= {"slip_count": move.slip_count, "days_slipped": move.days_slipped}
    plan = Plan(values, [_eta_event(order, change, move, ctx)], slipped_days=move.slip_days)
    if change.customer_informed:
        plan.values["last_contact_at"] = ctx.now
        plan.events.append(_contact_event(order, ctx, ContactOutcome.INFORMED, TOLD_WITH_ETA))
    return plan


def _eta_event(order: Order, change: EtaChange, move: EtaMove, ctx: Context) -> OrderEvent:
    return ctx.event(
        order,
        EventKind.ETA_CHANGED,
        field="current_eta",
        old=order.current_eta,
        new=change.eta,
        note=_eta_note(change, move),
    )


def _eta_note(change: EtaChange, move: EtaMove) -> str:
    said = f"{change.reason.label}: {change.note}" if change.note else change.reason.label
    return f"{said}; {move.note}" if move.note else said


def plan_contact(
    order: Order,
    ctx: Context,
    recent: list[OrderEvent],
    *,
    channel: ContactChannel,
    outcome: ContactOutcome,
    note: str | None,
) -> Plan:
    """Log a contact; only one that reached the customer counts as telling them."""
    said = f"{channel.label}, {outcome.label.lower()}" + (f": {note}" if note else "")
    event = _contact_event(order, ctx, outcome, said)
    if repeated(event, recent):
        return Plan.already_so()
    # last_contact_at decides whether the customer knows the current ETA (the "not told"
    # flag): a voicemail or an unanswered call leaves them not knowing it.
    values = {"last_contact_at": ctx.now} if outcome.reached_customer else {}
    return Plan(values=values, events=[event])


def _contact_event(order: Order, ctx: Context, outcome: ContactOutcome, note: str) -> OrderEvent:
    return ctx.event(order, EventKind.CONTACT_LOGGED, field="outcome", new=outcome, note=note)


def plan_note(order: Order, ctx: Context, recent: list[OrderEvent], *, text: str) -> Plan:
    """Add a note, stored exactly as written."""
    event = ctx.event(order, EventKind.NOTE_ADDED, note=text)
    return Plan.already_so() if repeated(event, recent) else Plan(events=[event])


def plan_owner(order: Order, ctx: Context, *, owner: str) -> Plan:
    """Hand the order to `owner` (a Slack user id); the same owner again changes nothing."""
    if owner == order.owner:
        return Plan.already_so()
    event = ctx.event(order, EventKind.OWNER_CHANGED, field="owner", old=order.owner, new=owner)
    return Plan(values={"owner": owner}, events=[event])


def plan_snooze(order: Order, ctx: Context, *, until: datetime, reason: str) -> Plan:
    """Keep the order out of lagging lists and digests until `until`."""
    require_open(order, "snooze")
    if until <= ctx.now:
        raise InvalidInput("until", "Pick a time in the future.")
    if until == order.snoozed_until:
        return Plan.already_so()
    event = ctx.event(
        order,
        EventKind.SNOOZED,
        field="snoozed_until",
        old=order.snoozed_until,
        new=until,
        note=reason,
    )
    return Plan(values={"snoozed_until": until}, events=[event])
