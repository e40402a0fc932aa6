"""After an order changed: refresh the card in place, announce a slip in the order's thread."""

from __future__ import annotations

import logging
from typing import Protocol

from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.blocks.home.view import HomeState
from bot.blocks.kit.forms import ModalContext
from bot.blocks.kit.wire import to_wire
from bot.blocks.orders.card import build_order_card, build_order_card_modal, order_card_text
from bot.delivery.alerts.alert_posts import AlertDelivery
from bot.delivery.core.slack_errors import UNREACHABLE
from bot.listeners.core.surfaces import update_if_open
from bot.listeners.home.publish import HomePublisher, HomePublisherServices
from bot.services.alerts.service import AlertService
from bot.services.orders.actions import OrderActions
from bot.services.orders.actions.unit import ActionResult
from bot.services.orders.reader import OrderReader
from storage.orders.tables import EventKind

log = logging.getLogger(__name__)


class CardUpdatesServices(HomePublisherServices, Protocol):
    """The services CardUpdates uses."""

    actions: OrderActions
    alerts: AlertService
    orders: OrderReader


class CardUpdates:
    """The Slack side effects of a saved change."""

    def __init__(self, services: CardUpdatesServices) -> None:
        self._services = services
        self._home = HomePublisher(services)

    async def after(
        self, result: ActionResult, ctx: ModalContext, actor: str, client: AsyncWebClient
    ) -> None:
        if result.duplicate:
            return
        if ctx.response_url:
            await self._refresh_card(ctx.response_url, result.order.external_id, client)
        if ctx.card_view:
            await self._refresh_card_modal(ctx.card_view, ctx.home or "", result, client)
        if ctx.home is not None:
            # Started from the Home tab: show it as it is now, on the same filter and pages.
            await self._home.publish(actor, HomeState.decode(ctx.home), client)
        if result.slipped_days > 0:
            await self._note_slip(result, client)

    async def refresh(self, response_url: str, external_id: str, client: AsyncWebClient) -> None:
        """Redraw the card behind `response_url` as the order is now."""
        await self._refresh_card(response_url, external_id, client)

    async def _refresh_card(
        self, response_url: str, external_id: str, client: AsyncWebClient
    ) -> None:
        orders = self._services.orders
        detail = await orders.detail(external_id)
        blocks = build_order_card(detail, orders.today(), orders.zone)
        # The change is saved whatever happens here: a card Slack would not redraw stays as it
        # was (its buttons carry the old version, so a save from it is caught as stale), and
        # what follows the redraw (the slip's thread line) still goes out.
        try:
            answer = await _webhook(response_url, client).send(
                text=order_card_text(detail), blocks=to_wire(blocks), replace_original=True
            )
        except UNREACHABLE as exc:
            log.warning("card of %s not redrawn: %r", external_id, exc)
            return
        if answer.status_code != 200:
            log.warning(
                "card of %s not redrawn: HTTP %d %s", external_id, answer.status_code, answer.body
            )

    async def _refresh_card_modal(
        self, view_id: str, home: str, result: ActionResult, client: AsyncWebClient
    ) -> None:
        """Redraw the card modal under the one just saved (Slack returns to it)."""
        orders = self._services.orders
        detail = await orders.detail(result.order.external_id)
        view = build_order_card_modal(detail, orders.today(), orders.zone, home)
        # A card modal closed meanwhile is no reason to skip the Home tab or the thread note.
        await update_if_open(client, view_id, view)

    async def _note_slip(self, result: ActionResult, client: AsyncWebClient) -> None:
        # The slip is announced through its alert claim, the way the alerts job announces
        # slips from imports and the API: whichever gets the claim posts, so it is posted once.
        alerts = self._services.alerts
        for event in result.events:
            if event.kind == EventKind.ETA_CHANGED and event.id is not None:
                plan = await alerts.claim_slip(event.id)
                if plan is not None:
                    await AlertDelivery(alerts, self._services.actions, client).deliver(plan)


async def reply(
    response_url: str,
    client: AsyncWebClient,
    text: str,
    blocks: list[Block] | None = None,
    *,
    replace_original: bool = False,
) -> None:
    """An ephemeral message through a response_url: a new one unless `replace_original`."""
    await _webhook(response_url, client).send(
        text=text,
        blocks=None if blocks is None else to_wire(blocks),
        response_type="ephemeral",
        replace_original=replace_original,
    )


def _webhook(response_url: str, client: AsyncWebClient) -> AsyncWebhookClient:
    """A response_url client on the Web API client's session (its timeout) and retries (429s
    after Retry-After, one retry of a dropped connection)."""
    return AsyncWebhookClient(
        response_url, session=client.session, retry_handlers=client.retry_handlers
    )
