"""The App Home tab: published when opened, re-published on each filter change or page turn.

Every listener acks at once and publishes in the background: the team figures may need a
moment when their cache is cold, and Slack retries an event it has not seen acked in 3 s.
The view state (filter, pages) travels in the view's private_metadata and the paging buttons.
"""

from __future__ import annotations

from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.home.view import HomeState, read_choice
from bot.blocks.kit import ids
from bot.blocks.kit.notices import build_loading_modal, build_notice_modal
from bot.blocks.kit.text import clip, escape
from bot.blocks.kit.wire import view_to_wire
from bot.blocks.orders.card import build_order_card_modal
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.home.publish import HomePublisher, HomePublisherServices
from bot.services.core.errors import OrderNotFound
from bot.services.home.dashboard import HomeFilter
from bot.services.orders.lagging import LagKind
from bot.services.orders.reader import OrderReader


class HomeTabServices(HomePublisherServices, Protocol):
    """The services HomeTab uses."""

    orders: OrderReader


class HomeTab:
    """Listeners of the Home tab."""

    def __init__(self, services: HomeTabServices, background: Background) -> None:
        self._services = services
        self._background = background
        self._publisher = HomePublisher(services)

    def register(self, registry: Registry) -> None:
        registry.event(ids.HOME_OPENED_EVENT, self.opened)
        for action_id in (ids.HOME_PREVIOUS_ACTION, ids.HOME_NEXT_ACTION, ids.HOME_CLEAR_ACTION):
            registry.action(action_id, self.go_to)
        registry.action(ids.HOME_REFRESH_ACTION, self.refresh)
        registry.action(ids.HOME_KIND_ACTION, self.filter_kind)
        registry.action(ids.HOME_TEAM_ACTION, self.filter_team)
        registry.action(ids.HOME_OPEN_ACTION, self.open_order)

    async def opened(self, ack: AsyncAck, event: dict[str, Any], client: AsyncWebClient) -> None:
        """The user opened the Home tab: publish it with the filter they left it on."""
        await ack()
        if event.get("tab") != "home":  # the Messages tab fires this event too
            return
        view: dict[str, Any] = event.get("view") or {}
        self._publish(event["user"], HomeState.decode(view.get("private_metadata")), client)

    async def go_to(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Previous, Next, Clear filter: the button's value is the state to show."""
        await ack()
        self._publish(body["user"]["id"], HomeState.decode(action.get("value")), client)

    async def refresh(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Refresh: the same state, read afresh."""
        await ack()
        self._publish(body["user"]["id"], _state_of(body), client)

    async def filter_kind(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """A lag reason was picked (or All reasons)."""
        await ack()
        state = _state_of(body)
        choice = read_choice(_selected(action))
        kind = LagKind(choice) if choice in {k.value for k in LagKind} else None
        where = HomeFilter(kind, state.filter.team)
        self._publish(body["user"]["id"], state.with_filter(where), client)

    async def filter_team(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """A team was picked (or All teams)."""
        await ack()
        state = _state_of(body)
        where = HomeFilter(state.filter.kind, read_choice(_selected(action)))
        self._publish(body["user"]["id"], state.with_filter(where), client)

    async def open_order(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Open: the order card in a modal; it opens at once and fills in moments later."""
        await ack()
        external_id = str(action["value"])
        loading = build_loading_modal("Order", f"Opening {escape(clip(external_id, 100))}…")
        opened = await client.views_open(trigger_id=body["trigger_id"], view=view_to_wire(loading))
        home = str((body.get("view") or {}).get("private_metadata") or "")
        work = self._fill_card(str(opened["view"]["id"]), external_id, home, client)
        self._background.run(work, f"home card {external_id}")

    async def _fill_card(
        self, view_id: str, external_id: str, home: str, client: AsyncWebClient
    ) -> None:
        orders = self._services.orders
        try:
            detail = await orders.detail(external_id)
        except OrderNotFound:
            text = f"Order `{escape(clip(external_id, 100))}` no longer exists."
            await client.views_update(
                view_id=view_id, view=view_to_wire(build_notice_modal(text, "Order"))
            )
            return
        view = build_order_card_modal(detail, orders.today(), orders.zone, home)
        await client.views_update(view_id=view_id, view=view_to_wire(view))

    def _publish(self, user: str, state: HomeState, client: AsyncWebClient) -> None:
        self._background.run(self._publisher.publish(user, state, client), f"home of {user}")


def _state_of(body: dict[str, Any]) -> HomeState:
    view: dict[str, Any] = body.get("view") or {}
    return HomeState.decode(view.get("private_metadata"))


def _selected(action: dict[str, Any]) -> str | None:
    option: dict[str, Any] = action.get("selected_option") or {}
    value = option.get("value")
    return str(value) if value is not None else None
