"""The card's overflow menu: Take ownership at once; Reassign, Snooze, Close, Expedite as modals.

An option's value holds only the action, the order id and the card's version (Slack allows
150 characters); the modals open from that alone, with no database work before views.open.
"""

from __future__ import annotations

from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.follow_ups import already_owner_text
from bot.blocks.orders.menu import MenuChoice, OrderRef
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.core.surfaces import modal_context, open_modal, refuse_viewer, tell
from bot.listeners.orders.follow_ups import FollowUps, FollowUpsServices
from bot.listeners.orders.menu_modals import MenuModals, MenuModalsServices
from bot.services.core.errors import InvalidInput, StaleUpdate
from bot.services.core.roles import PermissionDenied, RoleBook
from bot.services.orders.actions import OrderActions


class OrderMenuServices(FollowUpsServices, MenuModalsServices, Protocol):
    """The services OrderMenu uses."""

    actions: OrderActions
    roles: RoleBook


class OrderMenu:
    """Answers the overflow menu of the order card."""

    def __init__(self, services: OrderMenuServices, background: Background) -> None:
        self._services = services
        self._background = background
        self._follow_ups = FollowUps(services)
        self._modals = MenuModals(services)

    def register(self, registry: Registry) -> None:
        registry.action(ids.ORDER_MENU_ACTION, self.choose)

    async def choose(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """An option of the overflow menu was picked."""
        await ack()
        user = body["user"]["id"]
        if await refuse_viewer(self._services.roles, client, body, respond):
            return
        choice, ref = OrderRef.decode(action["selected_option"]["value"])
        ctx = modal_context(ref.external_id, ref.version, body)
        if choice is MenuChoice.TAKE:
            await self._take(ctx, user, body, client, respond)
            return
        await open_modal(client, body, self._modals.build(choice, ctx, None))

    async def _take(
        self,
        ctx: ModalContext,
        actor: str,
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """Take ownership: one click, the card redrawn in place; a double click writes once."""
        try:
            result = await self._services.actions.assign_owner(
                ctx.external_id, actor, actor=actor, expected_version=ctx.version
            )
        except (InvalidInput, PermissionDenied, StaleUpdate) as exc:
            await tell(client, body, respond, exc.message)
            return
        if result.duplicate and ctx.response_url is None:
            # No message to answer under (Home tab, card modal): say it where the click was.
            await tell(client, body, respond, already_owner_text(result.order))
            return
        follow_up = (
            self._follow_ups.already_owner(result, ctx, client)
            if result.duplicate
            else self._follow_ups.owner_changed(result, ctx, actor, client)
        )
        self._background.run(follow_up, f"take ownership {ctx.external_id}")
