"""Customer-update drafts and helpdesk sends on both databases (webhook on MockTransport)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import httpx
import pytest

from bot.bootstrap.container import Services
from bot.integrations.orders.helpdesk import HelpdeskWebhook
from bot.services.core.errors import InvalidInput
from bot.services.core.roles import PermissionDenied
from bot.services.orders.actions import EtaReason
from bot.services.orders.customer_drafts import EtaChange, Offer
from bot.services.orders.customer_updates import DraftOutdated, HelpdeskRefused
from bot.services.orders.lagging import LagKind
from storage.orders.tables import EventKind, EventSource, OrderEvent
from tests.kit.common import configure_roles_and_teams
from tests.kit.home import LEAD, ON_TRACK, OVERDUE, REP, VIEWER, add_orders
from tests.services.conftest import events_of, load_order

Handler = Callable[[httpx.Request], httpx.Response]
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def with_helpdesk(services: Services, handler: Handler) -> list[httpx.Request]:
    """Configure a helpdesk answering with `handler`; returns the requests it receives."""
    seen: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    hook = HelpdeskWebhook(
        "https://helpdesk.example.com/in", "s3cret", transport=httpx.MockTransport(recording)
    )
    configure_roles_and_teams(
        services, viewers=frozenset({VIEWER}), admins=frozenset({LEAD}), helpdesk=hook
    )
    return seen


async def late_order(services: Services) -> None:
    await add_orders(
        services,
        {"SO-1": OVERDUE | {"sku": "SKU-9", "product": "Infusion pump", "quantity": "4"}},
    )
    await services.actions.change_eta(
        "SO-1", date(2026, 12, 4), EtaReason.SUPPLIER_DELAY, "Container held at the port.", False,
        actor=REP, expected_version=None,
    )  # fmt: skip


async def test_draft_states_order_items_new_eta_reason_apology_and_an_offer(services: Services):
    await late_order(services)

    draft = await services.customer_updates.draft("SO-1")

    assert draft.subject == "Update on your order SO-1"
    assert draft.text == (
        "Dear Acme Hospital,\n\n"
        "We are writing about your order SO-1 (SKU-9, Infusion pump, 4 units).\n\n"
        "Unfortunately it will not arrive on 2026-11-20 as promised: the new expected delivery"
        " date is 2026-12-04, 14 days later. The change is due to a delay at our supplier.\n"
        "Container held at the port.\n\n"
        "We are sorry for the delay and for the trouble it may cause you.\n\n"
        "If this date is a problem for you, reply to this message and we will see whether we"
        " can expedite your order.\n\n"
        "Kind regards,"
    )
    assert (draft.offer, draft.version) == (Offer.EXPEDITE_OFFER, 2)


async def test_draft_tells_of_an_expedite_under_way(services: Services):
    await late_order(services)
    configure_roles_and_teams(services, admins=frozenset({LEAD}))
    result = await services.actions.request_expedite(
        "SO-1", "ICU", actor=REP, expected_version=None
    )

    pending = await services.customer_updates.draft("SO-1")
    assert result.expedite is not None and result.expedite.id is not None
    await services.actions.decide_expedite(result.expedite.id, True, None, actor=LEAD)
    approved = await services.customer_updates.draft("SO-1")

    assert pending.offer is Offer.EXPEDITE_REQUESTED
    assert "asked our team to expedite" in pending.text
    assert approved.offer is Offer.EXPEDITE_APPROVED
    assert "arranged to expedite" in approved.text


async def test_draft_offers_a_partial_shipment_of_a_partly_filled_order(services: Services):
    await add_orders(services, {"SO-1": OVERDUE | {"status": "partially_filled"}})

    draft = await services.customer_updates.draft("SO-1")

    assert draft.offer is Offer.PARTIAL_SHIPMENT
    assert "ship what we have straight away" in draft.text
    assert "do not have a confirmed new delivery date yet" in draft.text


async def test_draft_of_an_order_on_track_makes_no_apology(services: Services):
    await add_orders(services, {"SO-1": ON_TRACK})

    draft = await services.customer_updates.draft("SO-1")

    assert "We still expect to deliver it on 2026-12-10, as promised." in draft.text
    assert "sorry" not in draft.text and "expedite" not in draft.text


@pytest.mark.parametrize(
    ("note", "reason", "said"),
    [
        ("Supplier delay", EtaReason.SUPPLIER_DELAY, None),
        ("Transport: truck broke down; slipped 3 day(s)", EtaReason.TRANSPORT, "truck broke down"),
        ("Quality hold; slipped 1 day(s)", EtaReason.QUALITY_HOLD, None),
        ("moved by the ERP", None, "moved by the ERP"),
        (None, None, None),
    ],
)
def test_eta_change_reads_back_the_reason_and_note(
    note: str | None, reason: EtaReason | None, said: str | None
):
    event = OrderEvent(
        order_id=1, at=NOW, actor="U1", source=EventSource.SLACK, kind=EventKind.ETA_CHANGED,
        note=note,
    )  # fmt: skip

    assert EtaChange.of(event) == EtaChange(reason, said)


async def test_send_logs_a_helpdesk_contact_once_the_helpdesk_accepts(services: Services):
    seen = with_helpdesk(services, lambda request: httpx.Response(200, json={"id": 4411}))
    await late_order(services)
    draft = await services.customer_updates.draft("SO-1")

    sent = await services.customer_updates.send("SO-1", draft.version, actor=REP)

    [request] = seen
    assert request.headers["X-Backlog-Signature"].startswith("v1=")
    assert sent.reference == "4411"
    contact = [e for e in await events_of(services) if e.kind == EventKind.CONTACT_LOGGED][-1]
    assert contact.actor == REP
    assert contact.note is not None
    assert contact.note.startswith(
        "Helpdesk, customer informed: Customer update sent through the helpdesk (ref 4411):\n"
    )
    assert draft.text in contact.note
    order = await load_order(services)
    assert order.last_contact_at == services.clock()
    assert LagKind.NOT_TOLD not in services.orders.summarise(order).lagging


@pytest.mark.parametrize(
    "answer",
    [
        lambda request: httpx.Response(400, text="bad payload"),
        lambda request: httpx.Response(503),
        lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=request)),
    ],
    ids=["4xx", "5xx", "timeout"],
)
async def test_send_that_the_helpdesk_refuses_logs_nothing(services: Services, answer: Handler):
    with_helpdesk(services, answer)
    await late_order(services)
    before = await events_of(services)

    with pytest.raises(HelpdeskRefused):
        await services.customer_updates.send("SO-1", 2, actor=REP)

    assert await events_of(services) == before
    assert (await load_order(services)).version == 2


async def test_send_of_an_outdated_draft_sends_nothing_and_gives_the_fresh_draft(
    services: Services,
):
    seen = with_helpdesk(services, lambda request: httpx.Response(200))
    await late_order(services)

    with pytest.raises(DraftOutdated) as outdated:
        await services.customer_updates.send("SO-1", 1, actor=REP)

    assert seen == []
    assert outdated.value.fresh.version == 2
    assert "changed after this draft" in outdated.value.message


async def test_send_twice_sends_once(services: Services):
    seen = with_helpdesk(services, lambda request: httpx.Response(200))
    await late_order(services)

    await services.customer_updates.send("SO-1", 2, actor=REP)
    with pytest.raises(DraftOutdated):
        await services.customer_updates.send("SO-1", 2, actor=REP)

    assert len(seen) == 1


async def test_send_needs_a_rep_and_a_helpdesk(services: Services):
    seen = with_helpdesk(services, lambda request: httpx.Response(200))
    await late_order(services)

    with pytest.raises(PermissionDenied):
        await services.customer_updates.send("SO-1", 2, actor=VIEWER)
    configure_roles_and_teams(services)  # no helpdesk
    with pytest.raises(InvalidInput, match="No helpdesk is configured"):
        await services.customer_updates.send("SO-1", 2, actor=REP)

    assert seen == []
    assert not services.customer_updates.can_send
