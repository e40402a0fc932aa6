"""The few columns the lag rules read, streamed in chunks: figures over 100k open orders.

Building a full ORM Order per open order would cost far more than the rules themselves;
these rows are plain tuples turned into small slotted dataclasses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.orders.tables import Order

CHUNK_ROWS = 5_000


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """One open order as the lag rules see it (satisfies bot.services.orders.lagging.LagFacts)."""

    id: int
    external_id: str
    status: str
    team: str | None
    ordered_at: datetime
    promised_date: date
    current_eta: date | None
    eta_changed_at: datetime | None
    last_activity_at: datetime
    last_contact_at: datetime | None
    snoozed_until: datetime | None


_COLUMNS = (
    col(Order.id),
    col(Order.external_id),
    col(Order.status),
    col(Order.team),
    col(Order.ordered_at),
    col(Order.promised_date),
    col(Order.current_eta),
    col(Order.eta_changed_at),
    col(Order.last_activity_at),
    col(Order.last_contact_at),
    col(Order.snoozed_until),
)


def _open_condition(owner: str | None, team: str | None) -> ColumnElement[bool]:
    # closed_at IS NULL is how open orders are found (see storage.orders.lookups): it matches the
    # partial index; owner and team use their (owner, status) and (team, status) indexes.
    parts: list[ColumnElement[bool]] = [col(Order.closed_at).is_(None)]
    if owner is not None:
        parts.append(col(Order.owner) == owner)
    if team is not None:
        parts.append(func.lower(col(Order.team)) == team.lower())
    return and_(*parts)


async def open_order_facts(
    session: AsyncSession, *, owner: str | None = None, team: str | None = None
) -> AsyncIterator[list[OrderFacts]]:
    """Open orders (of `owner`, of `team`: any case), CHUNK_ROWS at a time, in no set order."""
    query = select(*_COLUMNS).where(_open_condition(owner, team))
    # On the session's connection, past the ORM: plain rows are all that is needed here.
    connection = await session.connection()
    result = await connection.stream(query.execution_options(yield_per=CHUNK_ROWS))
    async for chunk in result.partitions(CHUNK_ROWS):
        yield [OrderFacts(*cast(tuple[Any, ...], row)) for row in chunk]
