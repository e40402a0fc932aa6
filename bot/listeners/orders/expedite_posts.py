"""After an expedite request or decision: ask the leads, update their message, tell the rep."""

from __future__ import annotations

from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit.forms import ModalContext
from bot.blocks.kit.wire import to_wire
from bot.blocks.orders.expedite_request import (
    already_pending_text,
    build_expedite_decided,
    build_expedite_request,
    decided_text,
    expedite_text,
    recorded_without_channel,
    requested_text,
    requester_notice,
)
from bot.delivery.orders.threads import display_name
from bot.listeners.orders.card_refresh import CardUpdates, CardUpdatesServices, reply
from bot.services.core.teams import TeamChannels
from bot.services.orders.actions import OrderActions
from bot.services.orders.actions.unit import ActionResult
from bot.services.orders.reader import OrderReader
from storage.orders.tables import ExpediteRequest


class ExpeditePostsServices(CardUpdatesServices, Protocol):
    """The services ExpeditePosts uses."""

    actions: OrderActions
    orders: OrderReader
    teams: TeamChannels


class ExpeditePosts:
    """The Slack side effects of expedite requests (run after the ack)."""

    def __init__(self, services: ExpeditePostsServices) -> None:
        self._services = services
        self._updates = CardUpdates(services)

    async def requested(
        self, result: ActionResult, ctx: ModalContext, actor: str, client: AsyncWebClient
    ) -> None:
        """Redraw the card and ask the team's leads, or say why nobody was asked."""
        await self._updates.after(result, ctx, actor, client)
        order, request = result.order, _request(result)
        channel = self._services.teams.channel_for(order)
        if result.duplicate:
            await self._tell(ctx, client, already_pending_text(order))
            return
        if channel is None:
            await self._tell(ctx, client, recorded_without_channel(order))
            return
        name = await display_name(client, actor)  # named, not mentioned: it is their own request
        posted = await client.chat_postMessage(
            channel=channel,
            text=expedite_text(order, name),
            blocks=to_wire(build_expedite_request(order, request, name)),
        )
        assert request.id is not None
        await self._services.actions.record_expedite_message(request.id, channel, str(posted["ts"]))
        await self._tell(ctx, client, requested_text(order, channel))

    async def decided(
        self, result: ActionResult, actor: str, clicked: tuple[str, str], client: AsyncWebClient
    ) -> None:
        """Show the decision in the leads' message; DM the requester unless they decided."""
        if result.duplicate:
            return
        order, request = result.order, _request(result)
        requester = await display_name(client, request.requested_by)
        decider = await display_name(client, actor)
        zone = self._services.orders.zone
        channel, ts = clicked
        if request.channel and request.message_ts:  # where the leads were asked
            channel, ts = request.channel, request.message_ts
        await client.chat_update(
            channel=channel,
            ts=ts,
            text=decided_text(order, request, decider, zone),
            blocks=to_wire(build_expedite_decided(order, request, requester, decider, zone)),
        )
        if request.requested_by != actor:
            notice = requester_notice(order, request, actor)
            await client.chat_postMessage(channel=request.requested_by, text=notice)

    async def _tell(self, ctx: ModalContext, client: AsyncWebClient, text: str) -> None:
        if ctx.response_url:
            await reply(ctx.response_url, client, text)


def _request(result: ActionResult) -> ExpediteRequest:
    assert result.expedite is not None, "expedite actions always return their request"
    return result.expedite
