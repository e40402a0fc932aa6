"""Fast text forms of the card buttons: `/backlog eta`, `/backlog contact`, `/backlog note`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.kit.forms import ModalContext
from bot.blocks.kit.replies import build_not_found, build_usage, not_found_text
from bot.blocks.kit.wire import to_wire
from bot.listeners.core.background import Background
from bot.listeners.core.parsing import UsageError, unescape
from bot.listeners.core.router import SubcommandRouter, subcommand
from bot.listeners.orders.card_refresh import CardUpdates, CardUpdatesServices
from bot.services.core.errors import InvalidInput, OrderNotFound
from bot.services.core.roles import PermissionDenied
from bot.services.ingest.values import DateOrder, ValueProblem, parse_date
from bot.services.orders.actions import OrderActions
from bot.services.orders.actions.inputs import ContactChannel, ContactOutcome, EtaReason
from bot.services.orders.actions.unit import ActionResult
from bot.services.orders.reader import OrderReader

Act = Callable[[], Awaitable[ActionResult]]
_REASONS = {r.value: r for r in EtaReason} | {
    r.label.lower().replace(" ", "_"): r for r in EtaReason
}


class TextActionsServices(CardUpdatesServices, Protocol):
    """The services TextActions uses."""

    actions: OrderActions
    orders: OrderReader


class TextActions:
    """Change an order by typing; same services, rules and audit trail as the buttons."""

    def __init__(
        self, services: TextActionsServices, router: SubcommandRouter, background: Background
    ) -> None:
        self._services = services
        self._router = router
        self._background = background
        self._updates = CardUpdates(services)
        router.collect(self)

    @subcommand("eta", usage="/backlog eta ORDER_ID YYYY-MM-DD [reason] [note]")
    async def eta(
        self, ack: AsyncAck, args: str, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Set a new ETA; reason is one of supplier_delay, stock_allocation, transport,
        quality_hold, customer_request, other.
        """
        usage = self._router.usage("eta")
        try:
            external_id, new_eta, reason, note = _eta_args(args)
        except UsageError as exc:
            await _reply(ack, f"{exc} Usage: `{usage}`")
            return
        actions = self._services.actions

        async def act() -> ActionResult:
            return await actions.change_eta(
                external_id,
                new_eta,
                reason,
                note,
                False,
                actor=command["user_id"],
                expected_version=None,
            )

        result = await self._run(ack, act, usage, client, command["user_id"])
        if result is not None:
            slip = f" (slipped {result.slipped_days} days)" if result.slipped_days else ""
            await _reply(
                ack,
                f"ETA of {external_id} is now {new_eta.isoformat()}{slip}; reason: {reason.label}.",
            )

    @subcommand("contact", usage="/backlog contact ORDER_ID [note]")
    async def contact(
        self, ack: AsyncAck, args: str, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Log that you told the customer the current ETA (use the card for other outcomes)."""
        usage = self._router.usage("contact")
        external_id, _, note = unescape(args).strip().partition(" ")
        if not external_id:
            await _reply(ack, f"Give the order id. Usage: `{usage}`")
            return
        actions = self._services.actions

        async def act() -> ActionResult:
            return await actions.log_contact(
                external_id,
                ContactChannel.OTHER,
                ContactOutcome.INFORMED,
                note.strip() or None,
                actor=command["user_id"],
                expected_version=None,
            )

        if await self._run(ack, act, usage, client, command["user_id"]) is not None:
            await _reply(ack, f"Logged a customer contact on {external_id}: customer informed.")

    @subcommand("note", usage="/backlog note ORDER_ID TEXT")
    async def note(
        self, ack: AsyncAck, args: str, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Add a note to an order."""
        usage = self._router.usage("note")
        external_id, _, text = unescape(args).strip().partition(" ")
        if not external_id or not text.strip():
            await _reply(ack, f"Give the order id and the note. Usage: `{usage}`")
            return
        actions = self._services.actions

        async def act() -> ActionResult:
            return await actions.add_note(
                external_id, text.strip(), actor=command["user_id"], expected_version=None
            )

        if await self._run(ack, act, usage, client, command["user_id"]) is not None:
            await _reply(ack, f"Note added to {external_id}.")

    async def _run(
        self, ack: AsyncAck, act: Act, usage: str, client: AsyncWebClient, actor: str
    ) -> ActionResult | None:
        try:
            result = await act()
        except OrderNotFound as exc:
            suggestions = await self._services.orders.suggest(exc.external_id)
            blocks = build_not_found(exc.external_id, suggestions)
            await ack(
                response_type="ephemeral",
                text=not_found_text(exc.external_id, suggestions),
                blocks=to_wire(blocks),
            )
            return None
        except InvalidInput as exc:
            await ack(
                response_type="ephemeral",
                text=f"{exc.message} Usage: {usage}",
                blocks=to_wire(build_usage(exc.message, usage)),
            )
            return None
        except PermissionDenied as exc:
            await _reply(ack, exc.message)
            return None
        context = ModalContext(result.order.external_id, result.order.version)
        self._background.run(
            self._updates.after(result, context, actor, client),
            f"text action {result.order.external_id}",
        )
        return result


async def _reply(ack: AsyncAck, text: str) -> None:
    await ack(response_type="ephemeral", text=text)


def _eta_args(args: str) -> tuple[str, date, EtaReason, str | None]:
    parts = unescape(args).split()
    if len(parts) < 2:
        raise UsageError("Give the order id and the new ETA.")
    try:
        new_eta = parse_date(parts[1], DateOrder.MDY)
    except ValueProblem as exc:
        raise UsageError(f"{exc}.") from None
    rest = parts[2:]
    reason = _REASONS.get(rest[0].lower()) if rest else None
    if reason is not None:
        rest = rest[1:]
    return parts[0], new_eta, reason or EtaReason.OTHER, " ".join(rest) or None
