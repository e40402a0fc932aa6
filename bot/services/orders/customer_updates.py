"""Customer updates: a ready-to-send draft for an order, and handing it to the helpdesk.

The send counts as a customer contact only when the helpdesk accepted it: a refusal, an error
or a timeout logs nothing, and the rep is told why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.errors import BacklogError, InvalidInput, OrderNotFound
from bot.services.core.roles import Role, RoleBook
from bot.services.orders.actions import ActionResult, ContactChannel, ContactOutcome, OrderActions
from bot.services.orders.actions.inputs import TEXT_LIMIT
from bot.services.orders.customer_drafts import CustomerUpdateDraft, EtaChange, compose_draft
from storage.orders import lookups, update_queries


@dataclass(frozen=True)
class OutboundUpdate:
    """What the helpdesk receives."""

    order_id: str
    order_version: int
    customer: str
    customer_email: str | None
    subject: str
    text: str
    sent_by: str  # Slack user id of the rep
    sent_at: datetime


class HelpdeskRefused(BacklogError):
    """The helpdesk did not take the update (an error answer, no answer, unreachable)."""


class HelpdeskOutbox(Protocol):
    """Where updates go to be sent (bot.integrations.orders.helpdesk posts them to a webhook)."""

    async def deliver(self, update: OutboundUpdate) -> str | None:
        """Hand the update over; the helpdesk's reference (a ticket id) if it gave one.

        Raises HelpdeskRefused when the helpdesk did not accept it.
        """
        ...


class DraftOutdated(InvalidInput):
    """The order changed after the draft was made; `fresh` is the draft as of now."""

    def __init__(self, fresh: CustomerUpdateDraft) -> None:
        super().__init__(
            None,
            "The order changed after this draft was made, so nothing was sent. "
            "Here is the draft for the order as it is now: read it, then send again.",
        )
        self.fresh = fresh


@dataclass(frozen=True)
class SentUpdate:
    """A delivered update: what was sent, the contact logged for it, the helpdesk's reference."""

    draft: CustomerUpdateDraft
    contact: ActionResult
    reference: str | None


class CustomerUpdates:
    """Drafts customer updates and sends them through the helpdesk, when one is configured."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        actions: OrderActions,
        roles: RoleBook,
        outbox: HelpdeskOutbox | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._zone = zone
        self._actions = actions
        self._roles = roles
        self._outbox = outbox

    @property
    def can_send(self) -> bool:
        """Is a helpdesk configured (HELPDESK_WEBHOOK_URL)?"""
        return self._outbox is not None

    async def draft(self, external_id: str) -> CustomerUpdateDraft:
        """The update for the order as it is now; OrderNotFound otherwise."""
        async with self._sessions() as session:
            order = await lookups.order_by_external_id(session, external_id.strip())
            if order is None:
                raise OrderNotFound(external_id, [])
            assert order.id is not None
            change = EtaChange.of(await update_queries.latest_eta_change(session, order.id))
            expedite = await update_queries.live_expedite(session, order.id)
        today = self._clock().astimezone(self._zone).date()
        return compose_draft(order, change, expedite, today)

    async def send(self, external_id: str, version: int, *, actor: str) -> SentUpdate:
        """Send the draft of order version `version`; log the contact once the helpdesk took it.

        DraftOutdated when the order changed since (a second click after a send is one).
        """
        self._roles.require(actor, Role.REP, action="send customer updates")
        if self._outbox is None:
            raise InvalidInput(None, "No helpdesk is configured (HELPDESK_WEBHOOK_URL).")
        draft = await self.draft(external_id)
        if draft.version != version:
            raise DraftOutdated(draft)
        reference = await self._outbox.deliver(self._outbound(draft, actor))
        # Delivered: log it whatever happened to the order meanwhile (no version check),
        # because the customer has the message now.
        contact = await self._actions.log_contact(
            draft.external_id,
            ContactChannel.HELPDESK,
            ContactOutcome.INFORMED,
            _contact_note(draft, reference),
            actor=actor,
            expected_version=None,
        )
        return SentUpdate(draft, contact, reference)

    def _outbound(self, draft: CustomerUpdateDraft, actor: str) -> OutboundUpdate:
        return OutboundUpdate(
            order_id=draft.external_id,
            order_version=draft.version,
            customer=draft.customer,
            customer_email=draft.customer_email,
            subject=draft.subject,
            text=draft.text,
            sent_by=actor,
            sent_at=self._clock(),
        )


def _contact_note(draft: CustomerUpdateDraft, reference: str | None) -> str:
    head = "Customer update sent through the helpdesk"
    head += f" (ref {reference[:100]}):\n" if reference else ":\n"
    room = TEXT_LIMIT - len(head)
    body = draft.text if len(draft.text) <= room else draft.text[: room - 1] + "…"
    return head + body
