"""Buttons of the messages that follow an action: Undo a close; Approve / Deny an expedite."""

from __future__ import annotations

from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit import ids
from bot.blocks.orders.follow_ups import UndoTicket
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.orders.expedite_posts import ExpeditePosts, ExpeditePostsServices
from bot.listeners.orders.follow_ups import FollowUps, FollowUpsServices
from bot.services.core.errors import ExpediteNotFound, InvalidInput, StaleUpdate
from bot.services.core.roles import PermissionDenied
from bot.services.orders.actions import OrderActions


class FollowUpActionsServices(ExpeditePostsServices, FollowUpsServices, Protocol):
    """The services FollowUpActions uses."""

    actions: OrderActions


class FollowUpActions:
    """Undo (the closing rep's ephemeral message) and the leads' Approve / Deny."""

    def __init__(self, services: FollowUpActionsServices, background: Background) -> None:
        self._services = services
        self._background = background
        self._follow_ups = FollowUps(services)
        self._expedites = ExpeditePosts(services)

    def register(self, registry: Registry) -> None:
        registry.action(ids.UNDO_CLOSE_ACTION, self.undo_close)
        registry.action(ids.EXPEDITE_APPROVE_ACTION, self.approve)
        registry.action(ids.EXPEDITE_DENY_ACTION, self.deny)

    async def undo_close(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """Undo: reopen the order; the service enforces the window and "nothing changed since"."""
        await ack()
        ticket = UndoTicket.decode(action["value"])
        actor = body["user"]["id"]
        try:
            # No version check: the service explains a later change better than StaleUpdate.
            result = await self._services.actions.undo_close(
                ticket.external_id, ticket.event_id, actor=actor, expected_version=None
            )
        except (InvalidInput, PermissionDenied, StaleUpdate) as exc:
            await _say(respond, exc.message)
            return
        follow_up = self._follow_ups.reopened(result, ticket, body.get("response_url"), client)
        self._background.run(follow_up, f"undo close {ticket.external_id}")

    async def approve(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
        client: AsyncWebClient, respond: AsyncRespond,
    ) -> None:  # fmt: skip
        """Approve an expedite request (admins only)."""
        await self._decide(ack, body, action, client, respond, approve=True)

    async def deny(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
        client: AsyncWebClient, respond: AsyncRespond,
    ) -> None:  # fmt: skip
        """Deny an expedite request (admins only)."""
        await self._decide(ack, body, action, client, respond, approve=False)

    async def _decide(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
        client: AsyncWebClient, respond: AsyncRespond, *, approve: bool,
    ) -> None:  # fmt: skip
        await ack()
        actor = body["user"]["id"]
        try:
            result = await self._services.actions.decide_expedite(
                int(action["value"]), approve, None, actor=actor
            )
        except (InvalidInput, PermissionDenied) as exc:
            # Only the clicker sees this; the leads' message stays as it is.
            await _say(respond, exc.message)
            return
        except ExpediteNotFound:
            await _say(respond, "That expedite request no longer exists.")
            return
        clicked = (str(body["container"]["channel_id"]), str(body["container"]["message_ts"]))
        decided = self._expedites.decided(result, actor, clicked, client)
        self._background.run(decided, f"expedite decision {action['value']}")


async def _say(respond: AsyncRespond, text: str) -> None:
    await respond(response_type="ephemeral", replace_original=False, text=text)
