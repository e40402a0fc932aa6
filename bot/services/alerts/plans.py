"""What an alert says and to whom: the rules, decided from the order as it is now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.services.orders.eta_rule import EtaHistory
from bot.services.orders.lagging import due_date as order_due
from storage.alerts.tables import Alert, AlertKind
from storage.orders.tables import EventSource, Order, OrderEvent


@dataclass(frozen=True)
class AlertPlan:
    """One claimed alert: what to post in the order's thread and whether to DM the owner."""

    alert_id: int
    attempts: int
    kind: AlertKind
    order: Order
    today: date  # in the bot's zone
    due: date  # overdue: the due date that passed; slipped: the new ETA
    previous: date | None = None  # slipped: the effective ETA before the change
    slip_days: int = 0
    actor: str | None = None  # who moved the ETA (a Slack user id for card changes)
    actor_label: str | None = None  # how to name an actor that is not a Slack user
    channel: str | None = None  # the team channel; None: see `no_channel`
    no_channel: str | None = None
    dm_owner: str | None = None  # the owner to DM (user id or email); None: no DM is due
    line_ts: str | None = None  # already posted by an earlier holder of the claim
    dm_ts: str | None = None
    skip: str | None = None  # the transition is no longer news, and why

    @property
    def days_late(self) -> int:
        return (self.today - self.due).days

    @property
    def thread_ts(self) -> str | None:
        """The order's thread in `channel`, if it has one there."""
        order = self.order
        return order.thread_ts if self.channel and order.thread_channel == self.channel else None

    def may_dm(self, user_id: str) -> bool:
        """Never tell people about their own change: the owner who moved the ETA gets no DM."""
        return self.dm_owner is not None and user_id != self.actor


def contact_since_eta_change(order: Order) -> bool:
    """Has a customer contact been logged since the ETA last changed (ever, if it never did)?"""
    if order.last_contact_at is None:
        return False
    return order.eta_changed_at is None or order.last_contact_at >= order.eta_changed_at


def owner_to_dm(order: Order, actor: str | None) -> str | None:
    """The owner, when they should hear about it: nobody logged a contact since the ETA
    changed, and they did not make the change themselves."""
    if not order.owner or contact_since_eta_change(order):
        return None
    return None if order.owner == actor else order.owner


def actor_label(event: OrderEvent) -> str | None:
    """How a change that did not come from a Slack user reads; None for Slack users."""
    source = EventSource(event.source)
    if source is EventSource.IMPORT:
        return f"the import of {event.actor.removeprefix('import:')}"
    if source is EventSource.API:
        return f"the ingest API ({event.actor})"
    if source is EventSource.SYNC:
        return "the upstream sync"
    return None


def slip_of(event: OrderEvent, order: Order) -> tuple[date, date, int]:
    """(previous effective ETA, new ETA, days slipped) of an ETA change, by the slip rule."""
    assert event.new_value is not None, f"ETA change {event.id} without a new ETA"
    old = date.fromisoformat(event.old_value) if event.old_value else None
    move = EtaHistory(order.promised_date, old).move_to(date.fromisoformat(event.new_value))
    return move.previous, move.eta, move.slip_days


def plan_alert(
    alert: Alert,
    order: Order,
    event: OrderEvent | None,
    today: date,
    channel: str | None,
) -> AlertPlan:
    """The plan for a claimed alert, given the order (and slip event) as they are now."""
    assert alert.id is not None
    actor = event.actor if event is not None else None
    previous, due, days = (
        slip_of(event, order)
        if event is not None
        else (None, alert.due_date or order_due(order), 0)
    )
    return AlertPlan(
        alert_id=alert.id,
        attempts=alert.attempts,
        kind=AlertKind(alert.kind),
        order=order,
        today=today,
        due=due,
        previous=previous,
        slip_days=days,
        actor=actor,
        actor_label=actor_label(event) if event is not None else None,
        channel=channel,
        no_channel=None if channel else _no_channel(order),
        dm_owner=owner_to_dm(order, actor),
        line_ts=alert.line_ts,
        dm_ts=alert.dm_ts,
        skip=_stale(alert, order),
    )


def _stale(alert: Alert, order: Order) -> str | None:
    if not order.is_open:
        return "the order is closed"
    if alert.kind == AlertKind.OVERDUE and alert.due_date != order_due(order):
        return "the due date moved before the alert went out"
    return None


def _no_channel(order: Order) -> str:
    if not order.team:
        return "the order has no team"
    return f"team {order.team!r} has no channel in TEAM_CHANNELS"
