"""Expedite requests: a rep asks, an admin (a lead) approves or denies, once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.core.errors import ExpediteNotFound, InvalidInput, mention
from bot.services.orders.actions.plans import require_open
from bot.services.orders.actions.unit import Context, Plan
from storage.orders import expedites
from storage.orders.tables import EventKind, ExpediteRequest, ExpediteStatus, Order


async def plan_request(session: AsyncSession, order: Order, ctx: Context, *, reason: str) -> Plan:
    """Open a request; while one is pending, asking again returns that one."""
    assert order.id is not None
    require_open(order, "expedite")
    pending = await expedites.pending_request(session, order.id)
    if pending is not None:
        return Plan.already_so(expedite=pending)
    request = ExpediteRequest(
        order_id=order.id,
        requested_by=ctx.actor,
        reason=reason,
        status=ExpediteStatus.PENDING,
        created_at=ctx.now,
    )
    event = ctx.event(
        order, EventKind.EXPEDITE_REQUESTED, field="expedite", new=request.status, note=reason
    )
    return Plan(events=[event], new_rows=[request], expedite=request)


async def load_request(session: AsyncSession, request_id: int) -> ExpediteRequest:
    """The request as stored now; ExpediteNotFound otherwise."""
    request = await expedites.request_by_id(session, request_id)
    if request is None:
        raise ExpediteNotFound(request_id)
    return request


async def plan_decision(
    session: AsyncSession,
    order: Order,
    ctx: Context,
    *,
    request_id: int,
    approve: bool,
    note: str | None,
) -> Plan:
    """Approve or deny a pending request; a request is decided once."""
    request = await load_request(session, request_id)
    wanted = ExpediteStatus.APPROVED if approve else ExpediteStatus.DENIED
    if request.status != ExpediteStatus.PENDING:
        return _decided_already(request, wanted, ctx)
    event = ctx.event(
        order,
        EventKind.EXPEDITE_DECIDED,
        field="expedite",
        old=request.status,
        new=wanted,
        note=note,
    )
    return Plan(events=[event], after=_decide(request_id, wanted, ctx, note), expedite=request)


def _decided_already(request: ExpediteRequest, wanted: ExpediteStatus, ctx: Context) -> Plan:
    # The same lead clicking the same decision twice is a double click; anyone else is late.
    if (request.decided_by, request.status) == (ctx.actor, wanted):
        return Plan.already_so(expedite=request)
    decided_by = mention(request.decided_by or "someone")
    raise InvalidInput(None, f"This request was already {request.status} by {decided_by}.")


def _decide(
    request_id: int, wanted: ExpediteStatus, ctx: Context, note: str | None
) -> Callable[[AsyncSession], Awaitable[None]]:
    async def decide(session: AsyncSession) -> None:
        # The order's version check already serialises deciders; this guards the row itself.
        if not await expedites.decide_if_pending(
            session, request_id, wanted, ctx.actor, ctx.now, note
        ):
            raise InvalidInput(None, "Someone decided this request a moment ago.")

    return decide
