"""Reading back what an import wrote: orders and their events."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.bootstrap.container import Services
from storage.orders.tables import Order, OrderEvent


async def load_orders(services: Services) -> dict[str, Order]:
    async with services.sessions() as session:
        return {o.external_id: o for o in (await session.execute(select(Order))).scalars()}


async def load_events(services: Services) -> list[OrderEvent]:
    async with services.sessions() as session:
        result = await session.execute(select(OrderEvent).order_by(col(OrderEvent.id)))
        return list(result.scalars())
