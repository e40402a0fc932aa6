"""The API's response bodies as pydantic models: the OpenAPI schema is generated from them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from bot.services.ingest import IngestResult, ItemResult
from bot.services.ingest.order_writer import Outcome
from bot.services.orders.reader import OrderSummary


class Problem(BaseModel):
    """One value that cannot be read."""

    field: str = Field(description="the field (or `(item)` for the item as a whole)")
    reason: str


class ItemOut(BaseModel):
    """What happened to one item of a batch."""

    index: int = Field(description="the item's position in the batch, from 0")
    order_id: str | None
    outcome: Literal["created", "updated", "unchanged", "stale", "rejected"] = Field(
        description="`stale`: the item's updated_at is older than the stored one, so it was "
        "skipped; `rejected`: it did not land (see `problems`)"
    )
    landed: bool = Field(description="false only for rejected items")
    changed: list[str] = Field(description="the fields an update changed")
    problems: list[Problem]
    note: str | None


class BatchOut(BaseModel):
    """The result of a POST: counts and every item's outcome, in the order they were sent."""

    verdict: Literal["accepted", "partial", "rejected"]
    landed: int
    rejected: int
    created: int
    updated: int
    unchanged: int
    stale: int
    replayed: bool = Field(description="true when this is the stored answer to an earlier POST")
    items: list[ItemOut]


class OrderOut(BaseModel):
    """An order as stored, with what the lag rules say about it today."""

    order_id: str
    customer: str
    customer_email: str | None
    owner: str | None
    team: str | None
    sku: str | None
    product: str | None
    supplier: str | None
    quantity: str | None = Field(description="a decimal number as a string (exact)")
    value: str | None = Field(description="a decimal number as a string (exact)")
    currency: str | None
    status: str
    open: bool
    ordered_at: datetime
    promised_date: date = Field(description="the original promise, never overwritten")
    eta: date | None = Field(description="the current ETA when it differs from the promise")
    updated_at: datetime | None = Field(description="the source's updated_at, as last received")
    slip_count: int
    days_slipped: int
    snoozed_until: datetime | None
    closed_at: datetime | None
    last_contact_at: datetime | None
    customer_told: bool
    lagging: list[str] = Field(description="why the order lags: overdue, slipped, stale, …")
    age_business_days: int
    version: int


class PatchOut(BaseModel):
    """The result of a PATCH: what it did and the order as it is now."""

    outcome: Literal["updated", "unchanged", "stale"] = Field(
        description="`stale`: the change's updated_at is older than the stored one, so it "
        "was skipped"
    )
    changed: list[str] = Field(description="the fields the change changed")
    note: str | None
    order: OrderOut


class OrderListOut(BaseModel):
    """One page of orders, by order id; follow `next` until it is null."""

    items: list[OrderOut]
    next_cursor: str | None
    next: str | None = Field(description="the URL path and query of the next page")


class ErrorOut(BaseModel):
    """Why a request was refused."""

    error: str
    problems: list[Problem] = Field(default_factory=list)


RESPONSE_MODELS: tuple[type[BaseModel], ...] = (
    BatchOut,
    OrderOut,
    PatchOut,
    OrderListOut,
    ErrorOut,
)


def batch_out(result: IngestResult) -> BatchOut:
    """The response body of a POST."""
    items = [_item_out(item) for item in result.items]
    return BatchOut(
        verdict=result.verdict.value,
        landed=sum(item.landed for item in result.items),
        rejected=result.count(Outcome.REJECTED),
        created=result.count(Outcome.CREATED),
        updated=result.count(Outcome.UPDATED),
        unchanged=result.count(Outcome.UNCHANGED),
        stale=result.count(Outcome.STALE),
        replayed=result.replayed,
        items=items,
    )


def patch_out(item: ItemResult, summary: OrderSummary) -> PatchOut:
    """The response body of a PATCH."""
    return PatchOut(
        outcome=item.outcome.value,
        changed=list(item.changed),
        note=item.note,
        order=order_out(summary),
    )


def _item_out(item: ItemResult) -> ItemOut:
    return ItemOut(
        index=item.index,
        order_id=item.order_id,
        outcome=item.outcome.value,
        landed=item.landed,
        changed=list(item.changed),
        problems=[Problem(field=p.field, reason=p.reason) for p in item.problems],
        note=item.note,
    )


def order_out(summary: OrderSummary) -> OrderOut:
    """One order's body."""
    o = summary.order
    return OrderOut(
        order_id=o.external_id,
        customer=o.customer,
        customer_email=o.customer_email,
        owner=o.owner,
        team=o.team,
        sku=o.sku,
        product=o.product,
        supplier=o.supplier,
        quantity=_decimal(o.quantity),
        value=_decimal(o.value),
        currency=o.currency,
        status=str(o.status),
        open=o.is_open,
        ordered_at=o.ordered_at,
        promised_date=o.promised_date,
        eta=o.current_eta,
        updated_at=o.source_updated_at,
        slip_count=o.slip_count,
        days_slipped=o.days_slipped,
        snoozed_until=o.snoozed_until,
        closed_at=o.closed_at,
        last_contact_at=o.last_contact_at,
        customer_told=summary.customer_told,
        lagging=[kind.value for kind in summary.lagging],
        age_business_days=summary.age_business_days,
        version=o.version,
    )


def _decimal(number: Decimal | None) -> str | None:
    return None if number is None else format(number, "f")
