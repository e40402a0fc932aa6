"""Order lookups: `/backlog ORDER_ID`, order, mine, late, customer, sku, supplier, history."""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.models.blocks import Block

from bot.blocks.kit import ids
from bot.blocks.kit.replies import (
    build_not_found,
    build_unknown_word,
    build_usage,
    not_found_text,
    unknown_word_text,
)
from bot.blocks.kit.wire import to_wire
from bot.blocks.orders.card import build_order_card, order_card_text
from bot.blocks.orders.history import build_history
from bot.blocks.orders.listings import PageRequest, build_order_list, order_list_text
from bot.listeners.core.background import Background
from bot.listeners.core.parsing import UsageError, one_order_id, parse_filters, search_text
from bot.listeners.core.registry import Registry
from bot.listeners.core.router import Subcommand, SubcommandRouter, subcommand
from bot.services.core.errors import OrderNotFound
from bot.services.orders.reader import OrderFilter, OrderPage, OrderReader

PAGE_SIZE = 10
Reply = Callable[..., Awaitable[Any]]
_OPEN_BUTTON = re.compile(rf"^{ids.OPEN_ORDER_ACTION}(:\d+)?$")
_WORD = re.compile(r"[A-Za-z]+")  # order ids carry digits; a word may be a mistyped subcommand


class OrderLookupServices(Protocol):
    """The services OrderLookup uses."""

    orders: OrderReader


class OrderLookup:
    """Read-only order listeners. Slash commands answer in the ack (one indexed query); buttons
    ack at once and answer through response_url after, so Slack's round trip is not in the ack."""

    def __init__(
        self, services: OrderLookupServices, router: SubcommandRouter, background: Background
    ) -> None:
        self._services = services
        self._orders = services.orders
        self._router = router
        self._background = background
        router.collect(self)
        router.fallback = self.order_by_id

    def register(self, registry: Registry) -> None:
        registry.action(_OPEN_BUTTON, self.open_button)
        registry.action(ids.SHARE_ORDER_ACTION, self.share_button)
        registry.action(ids.LIST_NEXT_ACTION, self.next_button)

    async def order_by_id(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """Show the card of order ARGS (what `/backlog ORDER_ID` does); a word that is no
        order and has no close order id gets the closest subcommand instead."""
        word = args.strip()
        guess = self._router.closest(word) if _WORD.fullmatch(word) else None
        await self._card(ack, word, "/backlog ORDER_ID", guess=guess)

    @subcommand("order", usage="/backlog order ORDER_ID")
    async def order(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """Show an order's card (also `/backlog ORDER_ID`)."""
        await self._card(ack, args, "/backlog order ORDER_ID")

    @subcommand("mine", usage="/backlog mine")
    async def mine(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """My open orders, lagging first."""
        await self._listing(ack, PageRequest("mine", command["user_id"], 0), "/backlog mine")

    @subcommand(
        "late", usage="/backlog late [team:X] [owner:@user] [supplier:X] [sku:X] [customer:X]"
    )
    async def late(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """Overdue open orders, most overdue first, with optional filters."""
        usage = self._router.usage("late")
        await self._listing(ack, PageRequest("late", args.strip(), 0), usage)

    @subcommand("customer", usage="/backlog customer TEXT")
    async def customer(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """Open orders of customers matching TEXT, sorted by lateness."""
        await self._listing(ack, PageRequest("customer", args.strip(), 0), "/backlog customer TEXT")

    @subcommand("sku", usage="/backlog sku TEXT")
    async def sku(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """Open orders for SKUs matching TEXT, sorted by lateness."""
        await self._listing(ack, PageRequest("sku", args.strip(), 0), "/backlog sku TEXT")

    @subcommand("supplier", usage="/backlog supplier TEXT")
    async def supplier(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """Open orders from suppliers matching TEXT, sorted by lateness."""
        await self._listing(ack, PageRequest("supplier", args.strip(), 0), "/backlog supplier TEXT")

    @subcommand("history", usage="/backlog history ORDER_ID")
    async def history(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """The audit trail of an order: ETA changes, contacts, notes, status changes, imports."""
        try:
            order, events = await self._orders.history(one_order_id(args))
        except UsageError as exc:
            await _usage(ack, str(exc), "/backlog history ORDER_ID")
            return
        except OrderNotFound as exc:
            await _not_found(ack, exc)
            return
        blocks = build_history(order, events, self._orders.zone)
        await ack(
            response_type="ephemeral",
            text=f"History of {order.external_id}",
            blocks=to_wire(blocks),
        )

    async def open_button(
        self, ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """An Open button (listing row or suggestion): the card as a new ephemeral message."""
        await ack()
        card = self._card(respond, action["value"], "/backlog ORDER_ID", replace_original=False)
        self._background.run(card, f"open {action['value']}")

    async def share_button(
        self, ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """Post the card to the channel for everyone, without the Share button."""
        await ack()
        self._background.run(self._share(action["value"], respond), f"share {action['value']}")

    async def _share(self, external_id: str, respond: AsyncRespond) -> None:
        try:
            detail = await self._orders.detail(external_id)
        except OrderNotFound as exc:
            await _not_found(respond, exc)
            return
        blocks = build_order_card(detail, self._orders.today(), self._orders.zone, shareable=False)
        text = order_card_text(detail)
        await respond(
            response_type="in_channel", replace_original=False, text=text, blocks=to_wire(blocks)
        )

    async def next_button(
        self, ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """The next page of a listing, in place of the current one."""
        await ack()
        request = PageRequest.decode(action["value"])
        page = self._listing(respond, request, "/backlog help", replace_original=True)
        self._background.run(page, f"next page of {request.listing}")

    async def _card(
        self, reply: Reply, args: str, usage: str, guess: Subcommand | None = None, **extra: Any
    ) -> None:
        try:
            detail = await self._orders.detail(one_order_id(args))
        except UsageError as exc:
            await _usage(reply, str(exc), usage)
            return
        except OrderNotFound as exc:
            if guess is not None and not exc.suggestions:  # a close order id wins
                await _unknown_word(reply, exc.external_id, guess.usage)
            else:
                await _not_found(reply, exc, **extra)
            return
        blocks = build_order_card(detail, self._orders.today(), self._orders.zone)
        await reply(
            response_type="ephemeral", text=order_card_text(detail), blocks=to_wire(blocks), **extra
        )

    async def _listing(self, reply: Reply, request: PageRequest, usage: str, **extra: Any) -> None:
        try:
            title, page = await self._query(request)
        except UsageError as exc:
            await _usage(reply, str(exc), usage)
            return
        following = page.next_offset
        next_page = PageRequest(request.listing, request.query, following) if following else None
        blocks = build_order_list(title, page, self._orders.today(), next_page)
        text = order_list_text(title, page)
        await reply(response_type="ephemeral", text=text, blocks=to_wire(blocks), **extra)

    async def _query(self, request: PageRequest) -> tuple[str, OrderPage]:
        offset, kind, query = request.offset, request.listing, request.query
        if kind == "mine":
            page = await self._orders.page(OrderFilter(owner=query), offset, PAGE_SIZE)
            return f"Your open orders: {page.total}", page
        if kind == "late":
            page = await self._orders.overdue(parse_filters(query), offset, PAGE_SIZE)
            suffix = f" ({query})" if query else ""
            return f"Overdue orders: {page.total}{suffix}", page
        text = search_text(query)
        where = parse_filters(f"{kind}:{shlex.quote(text)}")
        page = await self._orders.page(where, offset, PAGE_SIZE)
        return f"Open orders, {kind} matching “{text}”: {page.total}", page


async def _usage(reply: Reply, problem: str, usage: str) -> None:
    text = f"{problem} Usage: {usage}"
    await reply(response_type="ephemeral", text=text, blocks=to_wire(build_usage(problem, usage)))


async def _unknown_word(reply: Reply, word: str, usage: str) -> None:
    blocks = build_unknown_word(word, usage)
    text = unknown_word_text(word, usage)
    await reply(response_type="ephemeral", text=text, blocks=to_wire(blocks))


async def _not_found(reply: Reply, exc: OrderNotFound, **extra: Any) -> None:
    blocks: list[Block] = build_not_found(exc.external_id, exc.suggestions)
    text = not_found_text(exc.external_id, exc.suggestions)
    await reply(response_type="ephemeral", text=text, blocks=to_wire(blocks), **extra)
