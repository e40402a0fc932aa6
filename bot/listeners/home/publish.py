"""Publishing one user's Home tab: shared by the Home listeners and the saves started there."""

from __future__ import annotations

from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.home.view import PAGE_SIZES, HomeState, build_home
from bot.blocks.kit.wire import view_to_wire
from bot.services.home.dashboard import HomeService
from bot.services.orders.reader import OrderReader


class HomePublisherServices(Protocol):
    """The services HomePublisher uses."""

    home: HomeService
    orders: OrderReader


class HomePublisher:
    """Reads the dashboard and publishes it with views.publish."""

    def __init__(self, services: HomePublisherServices) -> None:
        self._services = services

    async def publish(self, user: str, state: HomeState, client: AsyncWebClient) -> None:
        """The user's Home tab, as `state` asks (filter and pages)."""
        orders = self._services.orders
        dashboard = await self._services.home.dashboard(user, state.filter, state.pages, PAGE_SIZES)
        view = build_home(dashboard, orders.today(), orders.zone)
        await client.views_publish(user_id=user, view=view_to_wire(view))
