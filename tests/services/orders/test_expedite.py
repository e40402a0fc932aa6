"""Expedite requests and role checks on both databases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

import pytest

from bot.bootstrap.container import Services
from bot.services.core.errors import ExpediteNotFound, InvalidInput
from bot.services.core.roles import PermissionDenied, Role
from bot.services.orders.actions import (
    ActionResult,
    ContactChannel,
    ContactOutcome,
    EtaReason,
    OrderActions,
)
from storage.orders.tables import EventKind, ExpediteStatus, OrderStatus
from tests.kit.common import FixedClock
from tests.services.conftest import (
    LEAD,
    OTHER_LEAD,
    OTHER_REP,
    REP,
    VIEWER,
    events_of,
    make_order,
)


async def request(actions: OrderActions, actor: str = REP, version: int | None = 1):
    return await actions.request_expedite(
        "SO-1", "hospital opens Monday", actor=actor, expected_version=version
    )


async def test_request_expedite_opens_a_pending_request(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services)

    result = await request(actions)

    expedite = result.expedite
    assert expedite is not None and expedite.id is not None
    assert (expedite.status, expedite.requested_by, expedite.created_at) == (
        ExpediteStatus.PENDING,
        REP,
        clock.now,
    )
    event = result.events[0]
    assert (event.kind, event.new_value, event.note) == (
        "expedite_requested",
        "pending",
        "hospital opens Monday",
    )


async def test_request_expedite_while_one_is_pending_returns_that_one(
    services: Services, actions: OrderActions
):
    await make_order(services)
    first = await request(actions)

    second = await request(actions, actor=OTHER_REP, version=2)

    assert second.duplicate and second.expedite is not None and first.expedite is not None
    assert second.expedite.id == first.expedite.id
    assert len(await events_of(services)) == 2


async def test_request_expedite_without_a_reason_is_a_field_error(
    services: Services, actions: OrderActions
):
    await make_order(services)

    with pytest.raises(InvalidInput) as caught:
        await actions.request_expedite("SO-1", "", actor=REP, expected_version=1)

    assert caught.value.field == "reason"


async def test_decide_expedite_needs_an_admin(services: Services, actions: OrderActions):
    await make_order(services)
    pending = (await request(actions)).expedite
    assert pending is not None and pending.id is not None

    with pytest.raises(PermissionDenied) as caught:
        await actions.decide_expedite(pending.id, True, None, actor=REP)

    assert (caught.value.needed, caught.value.actual) == (Role.ADMIN, Role.REP)
    assert caught.value.message.startswith(
        "Only admins can decide expedite requests; you have rep access."
    )


async def test_decide_expedite_records_the_decision_once(
    services: Services, actions: OrderActions, clock: FixedClock
):
    await make_order(services)
    pending = (await request(actions)).expedite
    assert pending is not None and pending.id is not None

    approved = await actions.decide_expedite(pending.id, True, "air freight ok", actor=LEAD)
    again = await actions.decide_expedite(pending.id, True, "air freight ok", actor=LEAD)

    assert approved.expedite is not None
    assert (approved.expedite.status, approved.expedite.decided_by) == ("approved", LEAD)
    assert approved.expedite.decided_at == clock.now
    event = approved.events[0]
    assert (event.kind, event.old_value, event.new_value, event.note) == (
        "expedite_decided",
        "pending",
        "approved",
        "air freight ok",
    )
    assert again.duplicate and again.events == []
    assert [e.kind for e in await events_of(services)].count(EventKind.EXPEDITE_DECIDED) == 1


async def test_decide_expedite_decided_by_another_lead_is_refused(
    services: Services, actions: OrderActions
):
    await make_order(services)
    pending = (await request(actions)).expedite
    assert pending is not None and pending.id is not None
    await actions.decide_expedite(pending.id, False, "no budget", actor=LEAD)

    with pytest.raises(InvalidInput) as caught:
        await actions.decide_expedite(pending.id, True, None, actor=OTHER_LEAD)

    assert caught.value.message == f"This request was already denied by <@{LEAD}>."
    assert [e.kind for e in await events_of(services)][-1] == "expedite_decided"


async def test_decide_an_unknown_request_is_not_found(actions: OrderActions):
    with pytest.raises(ExpediteNotFound):
        await actions.decide_expedite(404, True, None, actor=LEAD)


async def test_record_expedite_message_remembers_where_the_leads_were_asked(
    services: Services, actions: OrderActions
):
    await make_order(services)
    pending = (await request(actions)).expedite
    assert pending is not None and pending.id is not None

    stored = await actions.record_expedite_message(pending.id, "C0LEADS", "1764000000.000300")

    assert (stored.channel, stored.message_ts) == ("C0LEADS", "1764000000.000300")


Act = Callable[[OrderActions, str], Awaitable[ActionResult]]
EVERY_ACTION: dict[str, Act] = {
    "change_eta": lambda a, who: a.change_eta(
        "SO-1", date(2026, 12, 9), EtaReason.OTHER, None, False, actor=who, expected_version=1
    ),
    "log_contact": lambda a, who: a.log_contact(
        "SO-1", ContactChannel.CHAT, ContactOutcome.INFORMED, None, actor=who, expected_version=1
    ),
    "add_note": lambda a, who: a.add_note("SO-1", "hi", actor=who, expected_version=1),
    "assign_owner": lambda a, who: a.assign_owner("SO-1", who, actor=who, expected_version=1),
    "snooze": lambda a, who: a.snooze(
        "SO-1", datetime(2030, 1, 1, tzinfo=UTC), "wait", actor=who, expected_version=1
    ),
    "close": lambda a, who: a.close(
        "SO-1", OrderStatus.CANCELLED, None, actor=who, expected_version=1
    ),
    "undo_close": lambda a, who: a.undo_close("SO-1", 1, actor=who, expected_version=1),
    "request_expedite": lambda a, who: a.request_expedite(
        "SO-1", "urgent", actor=who, expected_version=1
    ),
    "decide_expedite": lambda a, who: a.decide_expedite(1, True, None, actor=who),
}


@pytest.mark.parametrize("action", EVERY_ACTION)
async def test_viewer_is_refused_every_action(
    services: Services, actions: OrderActions, action: str
):
    await make_order(services)

    with pytest.raises(PermissionDenied) as caught:
        await EVERY_ACTION[action](actions, VIEWER)

    assert caught.value.actual == Role.VIEWER
    assert "you have viewer access" in caught.value.message
    assert len(await events_of(services)) == 1
