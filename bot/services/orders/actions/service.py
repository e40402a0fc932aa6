"""Every change a rep makes to an order: one method, one transaction, one version check each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.errors import InvalidInput, OrderNotFound
from bot.services.core.roles import Role, RoleBook
from bot.services.orders.actions import closing, expedite, plans
from bot.services.orders.actions.inputs import (
    ContactChannel,
    ContactOutcome,
    EtaReason,
    optional_text,
    required_text,
)
from bot.services.orders.actions.unit import (
    ActionResult,
    Context,
    Finder,
    Planner,
    UnitOfWork,
    pure,
    with_recent_events,
)
from storage.orders import expedites, lookups, queries
from storage.orders.tables import EventSource, ExpediteRequest, Order, OrderStatus


class OrderActions:
    """The write side of the order card, shared by Slack, the digest and the ingest API.

    Each method takes the acting Slack user and the order version they saw (None skips the
    check); a repeat of a change already made returns `duplicate=True` and writes nothing.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
        roles: RoleBook,
        *,
        source: EventSource = EventSource.SLACK,
    ) -> None:
        self._sessions = sessions
        self._unit = UnitOfWork(sessions)
        self._clock = clock
        self._zone = zone
        self._roles = roles
        self._source = source

    async def change_eta(
        self,
        external_id: str,
        new_eta: date,
        reason: EtaReason,
        note: str | None,
        customer_informed: bool,
        *,
        actor: str,
        expected_version: int | None,
    ) -> ActionResult:
        """Set a new ETA; a later one than before counts as a slip."""
        self._roles.require(actor, Role.REP)
        change = plans.EtaChange(new_eta, reason, optional_text("note", note), customer_informed)
        planner = pure(lambda order, ctx: plans.plan_eta(order, change, ctx))
        return await self._act(external_id, actor, expected_version, planner)

    async def log_contact(
        self,
        external_id: str,
        channel: ContactChannel,
        outcome: ContactOutcome,
        note: str | None,
        *,
        actor: str,
        expected_version: int | None,
    ) -> ActionResult:
        """Record a contact with the customer."""
        self._roles.require(actor, Role.REP)
        said = optional_text("note", note)
        plan = partial(plans.plan_contact, channel=channel, outcome=outcome, note=said)
        return await self._act(external_id, actor, expected_version, with_recent_events(plan))

    async def add_note(
        self, external_id: str, text: str, *, actor: str, expected_version: int | None
    ) -> ActionResult:
        """Add a free-text note to the order's history."""
        self._roles.require(actor, Role.REP)
        written = required_text("note", text, "Write a note first.")
        planner = with_recent_events(partial(plans.plan_note, text=written))
        return await self._act(external_id, actor, expected_version, planner)

    async def assign_owner(
        self, external_id: str, owner: str, *, actor: str, expected_version: int | None
    ) -> ActionResult:
        """Make `owner` (a Slack user id; the actor to take it) responsible for the order."""
        self._roles.require(actor, Role.REP)
        if not owner.strip():
            raise InvalidInput("owner", "Choose who owns the order.")
        planner = pure(partial(plans.plan_owner, owner=owner.strip()))
        return await self._act(external_id, actor, expected_version, planner)

    async def snooze(
        self,
        external_id: str,
        until: datetime,
        reason: str,
        *,
        actor: str,
        expected_version: int | None,
    ) -> ActionResult:
        """Quiet a lagging order until `until` (an aware datetime)."""
        self._roles.require(actor, Role.REP)
        why = required_text("reason", reason, "Say why the order can wait.")
        planner = pure(partial(plans.plan_snooze, until=until, reason=why))
        return await self._act(external_id, actor, expected_version, planner)

    async def close(
        self,
        external_id: str,
        status: OrderStatus,
        reason: str | None,
        *,
        actor: str,
        expected_version: int | None,
    ) -> ActionResult:
        """Close the order as filled or cancelled; the close event's id allows an undo."""
        self._roles.require(actor, Role.REP)
        why = optional_text("reason", reason)
        planner = pure(partial(closing.plan_close, status=status, reason=why))
        return await self._act(external_id, actor, expected_version, planner)

    async def undo_close(
        self, external_id: str, event_id: int, *, actor: str, expected_version: int | None
    ) -> ActionResult:
        """Reopen an order within UNDO_WINDOW of closing it, if nothing changed since."""
        self._roles.require(actor, Role.REP)
        planner = partial(closing.plan_undo, event_id=event_id)
        return await self._act(external_id, actor, expected_version, planner)

    async def request_expedite(
        self, external_id: str, reason: str, *, actor: str, expected_version: int | None
    ) -> ActionResult:
        """Ask the leads to hurry the order; `result.expedite` is the pending request."""
        self._roles.require(actor, Role.REP)
        why = required_text("reason", reason, "Say why the order needs expediting.")
        planner = partial(expedite.plan_request, reason=why)
        return await self._act(external_id, actor, expected_version, planner)

    async def decide_expedite(
        self,
        request_id: int,
        approve: bool,
        note: str | None,
        *,
        actor: str,
        expected_version: int | None = None,
    ) -> ActionResult:
        """Approve or deny an expedite request (admins only); each request is decided once."""
        self._roles.require(actor, Role.ADMIN, action="decide expedite requests")
        said = optional_text("note", note)
        planner = partial(expedite.plan_decision, request_id=request_id, approve=approve, note=said)
        ctx = self._context(actor)
        return await self._unit.run(ctx, expected_version, _order_of_request(request_id), planner)

    async def record_thread(self, external_id: str, channel: str, ts: str) -> ActionResult:
        """Remember the order's thread; the first one recorded wins (`duplicate` otherwise).

        Bookkeeping for a message the bot posted, not a change to the order: no role check,
        no event, and the version stays, so the card the user holds does not go stale.
        """
        async with self._sessions() as session, session.begin():
            order = await _order_of(external_id)(session)
            assert order.id is not None
            recorded = await queries.set_thread_once(session, order.id, channel, ts)
            fresh = await queries.order_by_id(session, order.id)
        return ActionResult(fresh, duplicate=not recorded)

    async def record_expedite_message(
        self, request_id: int, channel: str, ts: str
    ) -> ExpediteRequest:
        """Remember where the leads were asked (bookkeeping, like record_thread)."""
        async with self._sessions() as session, session.begin():
            await expedite.load_request(session, request_id)
            await expedites.set_message(session, request_id, channel, ts)
            return await expedite.load_request(session, request_id)

    async def _act(
        self, external_id: str, actor: str, expected_version: int | None, planner: Planner
    ) -> ActionResult:
        ctx = self._context(actor)
        return await self._unit.run(ctx, expected_version, _order_of(external_id), planner)

    def _context(self, actor: str) -> Context:
        now = self._clock()
        return Context(actor, now, now.astimezone(self._zone).date(), self._source)


def _order_of(external_id: str) -> Finder:
    async def find(session: AsyncSession) -> Order:
        order = await lookups.order_by_external_id(session, external_id.strip())
        if order is None:
            raise OrderNotFound(external_id, [])
        return order

    return find


def _order_of_request(request_id: int) -> Finder:
    async def find(session: AsyncSession) -> Order:
        request = await expedite.load_request(session, request_id)
        return await queries.order_by_id(session, request.order_id)

    return find
