"""A digest's buttons: a row's overflow menu (the order card's modals) and "Post all in thread".

The ETA and contact modals open from the option value alone (no database work before
views.open); saving them does not redraw anything in place: the digest is a channel message,
not the card, so the modal context carries no response_url.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.digests.continuation import build_continuation, read_show_all_value
from bot.blocks.digests.row_menu import RowChoice, decode_choice
from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.kit.replies import build_not_found, not_found_text
from bot.blocks.kit.wire import to_wire, view_to_wire
from bot.blocks.orders.button_modals import build_contact_modal, build_eta_modal
from bot.blocks.orders.card import build_order_card, order_card_text
from bot.blocks.orders.menu import MenuChoice
from bot.delivery.core.slack_errors import slack_error
from bot.delivery.digests.digest_posts import DigestPoster, heading_for
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.core.surfaces import channel_of, refuse_viewer
from bot.listeners.orders.menu_modals import MenuModals, MenuModalsServices
from bot.services.core.errors import OrderNotFound
from bot.services.core.roles import RoleBook
from bot.services.digests import Digests
from bot.services.digests.spec import MAX_ROWS_LIMIT
from bot.services.orders.reader import OrderReader


class DigestRowsServices(MenuModalsServices, Protocol):
    """The services DigestRows uses."""

    digests: Digests
    orders: OrderReader
    roles: RoleBook


class DigestRows:
    """Answers the buttons of a posted digest."""

    def __init__(self, services: DigestRowsServices, background: Background) -> None:
        self._services = services
        self._background = background
        self._modals = MenuModals(services)

    def register(self, registry: Registry) -> None:
        registry.action(ids.DIGEST_ROW_ACTION, self.choose)
        registry.action(ids.DIGEST_SHOW_ALL_ACTION, self.show_all)

    async def choose(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """A row's menu: Update ETA, Log contact, Snooze (modals) or Open card (only you see it)."""
        await ack()
        choice, brief = decode_choice(action["selected_option"]["value"])
        if choice is RowChoice.CARD:
            await self._card(brief.external_id, respond)
            return
        if await refuse_viewer(self._services.roles, client, body, respond):
            return
        ctx = ModalContext(brief.external_id, brief.version, None, channel_of(body))
        if choice is RowChoice.ETA:
            view = build_eta_modal(brief, ctx, None)
        elif choice is RowChoice.CONTACT:
            view = build_contact_modal(brief, ctx, None)
        else:
            view = self._modals.build(MenuChoice.SNOOZE, ctx, None)
        await client.views_open(trigger_id=body["trigger_id"], view=view_to_wire(view))

    async def show_all(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """Post every lagging order of the digest (up to MAX_ROWS_LIMIT) in its thread."""
        await ack()
        channel = channel_of(body)
        thread_ts = (body.get("container") or {}).get("message_ts")
        if channel is None or thread_ts is None:
            return
        subscription_id, test = read_show_all_value(str(action["value"]))
        work = self._post_all(subscription_id, test, channel, str(thread_ts), client, respond)
        self._background.run(work, f"digest {action['value']} post all")

    async def _post_all(
        self,
        subscription_id: int,
        test: bool,
        channel: str,
        thread_ts: str,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        delivery = await self._services.digests.deliveries.preview(subscription_id, MAX_ROWS_LIMIT)
        if delivery is None:
            text = f"Digest #{subscription_id} no longer exists."
            await respond(response_type="ephemeral", replace_original=False, text=text)
            return
        heading = replace(heading_for(delivery, show_all=False), test=test)
        messages = build_continuation(delivery.content, heading)
        try:
            await DigestPoster(client).post(channel, messages, thread_ts=thread_ts)
        except SlackApiError as exc:
            text = f"I could not post the full list: Slack said {slack_error(exc)}."
            await respond(response_type="ephemeral", replace_original=False, text=text)

    async def _card(self, external_id: str, respond: AsyncRespond) -> None:
        orders = self._services.orders
        try:
            detail = await orders.detail(external_id)
        except OrderNotFound as exc:
            blocks = build_not_found(exc.external_id, exc.suggestions)
            text = not_found_text(exc.external_id, exc.suggestions)
            await respond(
                response_type="ephemeral", replace_original=False, text=text, blocks=to_wire(blocks)
            )
            return
        blocks = build_order_card(detail, orders.today(), orders.zone)
        await respond(
            response_type="ephemeral", replace_original=False, text=order_card_text(detail),
            blocks=to_wire(blocks),
        )  # fmt: skip
