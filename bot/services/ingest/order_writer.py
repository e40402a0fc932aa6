"""The one upsert rule for orders, shared by the CSV import, the ingest API and the sync."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.orders.audit_values import as_text
from bot.services.orders.eta_rule import EtaHistory
from storage.orders import queries
from storage.orders.tables import EventKind, EventSource, OrderStatus

REQUIRED_FOR_CREATE = ("customer", "ordered_at", "promised_date")
# What a source may say about an order besides its id, dates and status.
DESCRIPTIVE_FIELDS = (
    "customer_email",
    "owner",
    "team",
    "sku",
    "product",
    "supplier",
    "quantity",
    "value",
    "currency",
)
# Fields copied as they are; eta, status, promised_date and updated_at have rules of their own.
PLAIN_FIELDS = ("customer", *DESCRIPTIVE_FIELDS, "ordered_at")
_NULLABLE_DEFAULTS: dict[str, Any] = {
    name: None for name in PLAIN_FIELDS if name not in REQUIRED_FOR_CREATE
} | {"current_eta": None, "eta_changed_at": None, "last_contact_at": None}
_NULLABLE_DEFAULTS |= {"snoozed_until": None, "closed_at": None, "source_updated_at": None}


@dataclass(frozen=True)
class OrderInput:
    """One order as a source states it: canonical field names, parsed values, only what it knows."""

    external_id: str
    fields: Mapping[str, Any]
    origin: str | None = None  # where it came from, for the audit note ("orders.csv line 12")


class Outcome(StrEnum):
    """What applying one input did."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"  # older than what is stored (its updated_at is earlier): ignored
    REJECTED = "rejected"


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new value."""

    field: str
    old: Any
    new: Any


@dataclass
class OrderChange:
    """The result of one input."""

    external_id: str
    outcome: Outcome
    changes: list[FieldChange] = field(default_factory=list)
    reason: str | None = None
    created: Mapping[str, Any] | None = None  # the fields a new order was created with


@dataclass
class _Plan:
    """What one batch will write."""

    results: list[OrderChange] = field(default_factory=list)
    creates: list[tuple[OrderInput, dict[str, Any]]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def _moved(row: Row[Any], stored: Mapping[str, Row[Any]]) -> bool:
    """Whether `row`, read under lock, changed since the unlocked read."""
    return bool(row.version != stored[row.external_id].version)


class OrderWriter:
    """Applies batches of order inputs inside the caller's transaction, logging every change."""

    def __init__(self, session: AsyncSession, *, source: EventSource, actor: str, now: datetime):
        self._session = session
        self._source = source
        self._actor = actor
        self._now = now

    async def apply(self, batch: Sequence[OrderInput]) -> list[OrderChange]:
        """Create or update each input (external ids must be unique within a batch).

        Updates write whole rows, planned from a read taken without locks. Before writing,
        the rows to update are locked and read again; if a rep (or anyone) changed one
        meanwhile, the batch is planned again from the locked rows, so that change is kept
        and the rep's own version check sees this write. No update is ever lost.
        """
        stored = await queries.orders_by_external_id(self._session, (i.external_id for i in batch))
        plan = self._plan(batch, stored)
        if plan.updates:
            locked = await queries.lock_orders(self._session, [u["_id"] for u in plan.updates])
            moved = {row.external_id: row for row in locked if _moved(row, stored)}
            if moved:
                plan = self._plan(batch, stored | moved)
        ids = await queries.insert_orders(self._session, [row for _, row in plan.creates])
        events = plan.events + [
            self._created_event(ids[item.external_id], item) for item, _ in plan.creates
        ]
        await queries.update_orders(self._session, plan.updates)
        await queries.insert_events(self._session, events)
        return plan.results

    def _plan(self, batch: Sequence[OrderInput], stored: Mapping[str, Row[Any]]) -> _Plan:
        plan = _Plan()
        for item in batch:
            row = stored.get(item.external_id)
            if row is None:
                result, new_row = self._plan_create(item)
                if new_row is not None:
                    plan.creates.append((item, new_row))
            else:
                result, changed, row_events = self._plan_update(item, row)
                if changed is not None:
                    plan.updates.append(changed)
                    plan.events.extend(row_events)
            plan.results.append(result)
        return plan

    def _plan_create(self, item: OrderInput) -> tuple[OrderChange, dict[str, Any] | None]:
        f = item.fields
        missing = [name for name in REQUIRED_FOR_CREATE if f.get(name) is None]
        if missing:
            reason = f"a new order needs {', '.join(missing)}"
            return OrderChange(item.external_id, Outcome.REJECTED, reason=reason), None
        status = OrderStatus(f.get("status", OrderStatus.RECEIVED))
        promise: date = f["promised_date"]
        eta: date | None = f.get("eta")
        move = EtaHistory(promise).move_to(eta) if eta is not None else None
        row = dict(_NULLABLE_DEFAULTS)
        row |= {name: f[name] for name in PLAIN_FIELDS if f.get(name) is not None}
        row |= {
            "external_id": item.external_id,
            "status": status.value,
            "promised_date": promise,
            "current_eta": eta,
            "slip_count": move.slip_count if move else 0,
            "days_slipped": move.days_slipped if move else 0,
            "eta_changed_at": self._now if eta is not None and eta != promise else None,
            "closed_at": None if status.is_open else self._now,
            "source_updated_at": f.get("updated_at"),
            "last_activity_at": self._now,
            "version": 1,
            "created_at": self._now,
            "updated_at": self._now,
        }
        return OrderChange(item.external_id, Outcome.CREATED, created=f), row

    def _plan_update(
        self, item: OrderInput, row: Row[Any]
    ) -> tuple[OrderChange, dict[str, Any] | None, list[dict[str, Any]]]:
        f = item.fields
        incoming_stamp: datetime | None = f.get("updated_at")
        if incoming_stamp and row.source_updated_at and incoming_stamp < row.source_updated_at:
            reason = f"updated_at {incoming_stamp.isoformat()} is older than the stored one"
            return OrderChange(item.external_id, Outcome.STALE, reason=reason), None, []
        values: dict[str, Any] = {}
        events: list[dict[str, Any]] = []
        for name in PLAIN_FIELDS:
            new = f.get(name)
            if new is not None and new != getattr(row, name):
                values[name] = new
                events.append(self._event(row.id, EventKind.FIELD_CHANGED, name, row, new))
        self._plan_status(row, f.get("status"), values, events)
        self._plan_eta(row, f, values, events)
        changes = [FieldChange(e["field"], e["old_value"], e["new_value"]) for e in events]
        if not values:
            return OrderChange(item.external_id, Outcome.UNCHANGED), None, []
        if incoming_stamp:
            values["source_updated_at"] = incoming_stamp
        values |= {"version": row.version + 1, "updated_at": self._now}
        values["last_activity_at"] = self._now
        full = {column: getattr(row, column) for column in row._fields if column != "id"}
        return (
            OrderChange(item.external_id, Outcome.UPDATED, changes),
            full | values | {"_id": row.id},
            events,
        )

    def _plan_status(
        self,
        row: Row[Any],
        new: OrderStatus | None,
        values: dict[str, Any],
        events: list[dict[str, Any]],
    ) -> None:
        if new is None or new.value == row.status:
            return
        values["status"] = new.value
        if OrderStatus(row.status).is_open and not new.is_open:
            values["closed_at"] = self._now
        elif new.is_open:
            values["closed_at"] = None
        events.append(self._event(row.id, EventKind.STATUS_CHANGED, "status", row, new.value))

    def _plan_eta(
        self,
        row: Row[Any],
        f: Mapping[str, Any],
        values: dict[str, Any],
        events: list[dict[str, Any]],
    ) -> None:
        proposed: date | None = f.get("eta")
        note = None
        promise: date | None = f.get("promised_date")
        if proposed is None and promise is not None and promise != row.promised_date:
            # The original promise is never overwritten: a moved promise is a new ETA.
            proposed = promise
            note = f"source moved the promised date; original promise {row.promised_date} kept"
        if proposed is None or proposed == row.current_eta:
            return
        history = EtaHistory(row.promised_date, row.current_eta, row.slip_count, row.days_slipped)
        move = history.move_to(proposed)
        values |= {"current_eta": proposed, "eta_changed_at": self._now}
        if move.note:
            values |= {"slip_count": move.slip_count, "days_slipped": move.days_slipped}
            note = move.note + (f"; {note}" if note else "")
        event = self._event(row.id, EventKind.ETA_CHANGED, "current_eta", row, proposed)
        events.append(event | {"note": note})

    def _event(
        self, order_id: int, kind: EventKind, name: str, row: Row[Any], new: Any
    ) -> dict[str, Any]:
        return self._event_row(order_id, kind) | {
            "field": name,
            "old_value": as_text(getattr(row, name)),
            "new_value": as_text(new),
        }

    def _created_event(self, order_id: int, item: OrderInput) -> dict[str, Any]:
        return self._event_row(order_id, EventKind.CREATED) | {"note": item.origin}

    def _event_row(self, order_id: int, kind: EventKind) -> dict[str, Any]:
        return {
            "order_id": order_id,
            "at": self._now,
            "actor": self._actor,
            "source": self._source.value,
            "kind": kind.value,
            "field": None,
            "old_value": None,
            "new_value": None,
            "note": None,
        }
