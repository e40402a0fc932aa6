"""The order's thread in its team channel, and naming people without notifying them."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit.wire import to_wire
from bot.blocks.orders.thread_messages import thread_parent
from bot.services.orders.actions import OrderActions
from storage.orders.tables import Order

log = logging.getLogger(__name__)


class OrderThreads:
    """Finds or starts the thread where everything about an order is echoed."""

    def __init__(self, actions: OrderActions, client: AsyncWebClient) -> None:
        self._actions = actions
        self._client = client

    async def thread_for(self, order: Order, channel: str) -> str:
        """The ts of the order's thread in `channel`, started now if it has none there."""
        if order.thread_channel == channel and order.thread_ts:
            return order.thread_ts
        text, blocks = thread_parent(order)
        parent = await self._client.chat_postMessage(
            channel=channel, text=text, blocks=to_wire(blocks)
        )
        ts = str(parent["ts"])
        recorded = await self._actions.record_thread(order.external_id, channel, ts)
        kept = recorded.order
        if recorded.duplicate and kept.thread_channel == channel and kept.thread_ts:
            # Another process started the thread first: use theirs, remove ours.
            await self._remove(channel, ts)
            return kept.thread_ts
        return ts

    async def _remove(self, channel: str, ts: str) -> None:
        try:
            await self._client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as exc:
            log.warning("cannot delete a duplicate thread start in %s: %s", channel, exc)


async def display_name(client: AsyncWebClient, user_id: str) -> str:
    """How to name someone in a channel without @-mentioning (notifying) them."""
    response = await client.users_info(user=user_id)
    user: dict[str, Any] = response.get("user") or {}
    profile: dict[str, Any] = user.get("profile") or {}
    return str(profile.get("display_name") or profile.get("real_name") or "a teammate")
