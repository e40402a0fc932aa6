"""The wording of a customer update, composed from plain objects: no database, no helpdesk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.services.orders.actions.inputs import EtaReason
from bot.services.orders.customer_drafts import (
    EtaChange,
    Offer,
    choose_offer,
    compose_draft,
    is_delayed,
)
from storage.orders.tables import ExpediteRequest, ExpediteStatus, Order, OrderStatus

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
PROMISE = date(2026, 12, 10)
NO_CHANGE = EtaChange(None, None)


def make_order(**overrides: Any) -> Order:
    """An open order on track (promised for PROMISE, no ETA); override any column."""
    values: dict[str, Any] = {
        "id": 1,
        "external_id": "SO-1",
        "customer": "Acme Hospital",
        "customer_email": "buyer@acme.example",
        "status": OrderStatus.CONFIRMED,
        "ordered_at": NOW - timedelta(days=20),
        "promised_date": PROMISE,
        "last_activity_at": NOW,
        "created_at": NOW - timedelta(days=20),
        "updated_at": NOW,
        "version": 3,
    }
    values.update(overrides)
    return Order(**values)


def expedite(status: ExpediteStatus) -> ExpediteRequest:
    return ExpediteRequest(
        id=1, order_id=1, requested_by="UREP00001", reason="x", status=status, created_at=NOW
    )


def draft_text(order: Order, change: EtaChange = NO_CHANGE, **kwargs: Any) -> str:
    return compose_draft(order, change, kwargs.get("expedite"), TODAY).text


# is_delayed


@pytest.mark.parametrize(
    ("fields", "delayed"),
    [
        ({}, False),  # on track
        ({"current_eta": PROMISE + timedelta(days=1)}, True),  # a later ETA
        ({"current_eta": PROMISE - timedelta(days=2)}, False),  # an earlier ETA
        ({"current_eta": PROMISE}, False),
        ({"status": OrderStatus.BACKORDERED}, True),  # backordered without an ETA
        ({"promised_date": TODAY - timedelta(days=1)}, True),  # the promise passed
        ({"promised_date": TODAY}, False),  # due today has not passed
        # A new ETA within the promise wins over the status.
        ({"status": OrderStatus.BACKORDERED, "current_eta": PROMISE}, False),
    ],
)
def test_is_delayed_when_the_order_will_miss_its_promise(fields: dict[str, Any], delayed: bool):
    order = make_order(**fields)

    assert is_delayed(order, TODAY) is delayed


def test_is_delayed_when_the_eta_equals_a_promise_that_has_passed():
    order = make_order(
        promised_date=TODAY - timedelta(days=4), current_eta=TODAY - timedelta(days=4)
    )

    assert is_delayed(order, TODAY)


# choose_offer


@pytest.mark.parametrize(
    ("status", "request_status", "offer"),
    [
        (OrderStatus.CONFIRMED, ExpediteStatus.APPROVED, Offer.EXPEDITE_APPROVED),
        (OrderStatus.PARTIALLY_FILLED, ExpediteStatus.APPROVED, Offer.EXPEDITE_APPROVED),
        (OrderStatus.PARTIALLY_FILLED, ExpediteStatus.PENDING, Offer.EXPEDITE_REQUESTED),
        (OrderStatus.PARTIALLY_FILLED, ExpediteStatus.DENIED, Offer.PARTIAL_SHIPMENT),
        (OrderStatus.PARTIALLY_FILLED, None, Offer.PARTIAL_SHIPMENT),
        (OrderStatus.BACKORDERED, ExpediteStatus.DENIED, Offer.EXPEDITE_OFFER),
        (OrderStatus.BACKORDERED, None, Offer.EXPEDITE_OFFER),
    ],
)
def test_choose_offer_prefers_an_expedite_under_way_then_a_partial_shipment(
    status: OrderStatus, request_status: ExpediteStatus | None, offer: Offer
):
    order = make_order(status=status)
    request = expedite(request_status) if request_status else None

    assert choose_offer(order, request) is offer


# compose_draft


def test_compose_draft_of_a_slipped_order_reads_as_a_letter():
    order = make_order(
        sku="SKU-9",
        product="Infusion pump",
        quantity=Decimal("4.000"),
        current_eta=date(2026, 12, 11),
    )
    change = EtaChange(EtaReason.TRANSPORT, "The ferry was cancelled.")

    draft = compose_draft(order, change, None, TODAY)

    assert (draft.external_id, draft.version, draft.customer, draft.customer_email) == (
        "SO-1",
        3,
        "Acme Hospital",
        "buyer@acme.example",
    )
    assert draft.subject == "Update on your order SO-1"
    assert draft.offer is Offer.EXPEDITE_OFFER
    assert draft.text == (
        "Dear Acme Hospital,\n\n"
        "We are writing about your order SO-1 (SKU-9, Infusion pump, 4 units).\n\n"
        "Unfortunately it will not arrive on 2026-12-10 as promised: the new expected delivery"
        " date is 2026-12-11, 1 day later. The change is due to a transport delay.\n"
        "The ferry was cancelled.\n\n"
        "We are sorry for the delay and for the trouble it may cause you.\n\n"
        "If this date is a problem for you, reply to this message and we will see whether we"
        " can expedite your order.\n\n"
        "Kind regards,"
    )


def test_compose_draft_of_an_order_on_track_neither_apologises_nor_offers():
    text = draft_text(make_order())

    assert text == (
        "Dear Acme Hospital,\n\n"
        "We are writing about your order SO-1.\n\n"
        "We still expect to deliver it on 2026-12-10, as promised.\n\n"
        "Kind regards,"
    )


def test_compose_draft_of_an_earlier_eta_states_the_date_without_apology():
    text = draft_text(make_order(current_eta=date(2026, 12, 3)))

    assert "The expected delivery date is 2026-12-03." in text
    assert "sorry" not in text


def test_compose_draft_of_a_backorder_without_eta_says_a_date_will_follow():
    text = draft_text(make_order(status=OrderStatus.BACKORDERED))

    assert (
        "Unfortunately it will not arrive on 2026-12-10 as promised, and we do not have a"
        " confirmed new delivery date yet; we will tell you as soon as we do."
    ) in text
    assert "We are sorry for the delay" in text


def test_compose_draft_mentions_an_expedite_under_way_even_when_on_track():
    pending = draft_text(make_order(), expedite=expedite(ExpediteStatus.PENDING))
    approved = draft_text(make_order(), expedite=expedite(ExpediteStatus.APPROVED))

    assert "We have asked our team to expedite your order" in pending
    assert "We have arranged to expedite your order" in approved
    assert "sorry" not in pending and "sorry" not in approved


def test_compose_draft_offers_a_partial_shipment_of_a_partly_filled_late_order():
    order = make_order(status=OrderStatus.PARTIALLY_FILLED, current_eta=date(2026, 12, 20))

    draft = compose_draft(order, NO_CHANGE, None, TODAY)

    assert draft.offer is Offer.PARTIAL_SHIPMENT
    assert "we can ship what we have straight away and send the rest" in draft.text
    assert "10 days later" in draft.text


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        (EtaReason.SUPPLIER_DELAY, " The change is due to a delay at our supplier."),
        (EtaReason.STOCK_ALLOCATION, " The change is due to stock for your order arriving"),
        (EtaReason.QUALITY_HOLD, " The change is due to a quality check on the goods"),
        (EtaReason.CUSTOMER_REQUEST, " The change is due to the change you asked for."),
    ],
)
def test_compose_draft_gives_the_reason_in_the_customers_words(reason: EtaReason, said: str):
    text = draft_text(make_order(current_eta=date(2026, 12, 12)), EtaChange(reason, None))

    assert said in text


def test_compose_draft_gives_no_reason_for_other_or_unknown_reasons():
    other = draft_text(make_order(current_eta=date(2026, 12, 12)), EtaChange(EtaReason.OTHER, None))
    unknown = draft_text(make_order(current_eta=date(2026, 12, 12)), NO_CHANGE)

    assert "The change is due to" not in other
    assert "The change is due to" not in unknown


def test_compose_draft_cuts_a_long_rep_note_to_500_characters():
    change = EtaChange(EtaReason.OTHER, "n" * 501)

    text = draft_text(make_order(current_eta=date(2026, 12, 12)), change)

    assert f"\n{'n' * 500}…\n\n" in text
    assert "n" * 501 not in text


def test_compose_draft_lists_items_with_quantity_normalised_and_cut_to_200_characters():
    whole = draft_text(make_order(sku="SKU-1", quantity=Decimal("12.500")))
    long_item = draft_text(make_order(product="p" * 300))

    assert "your order SO-1 (SKU-1, 12.5 units)." in whole
    assert f"your order SO-1 ({'p' * 199}…)." in long_item


def test_compose_draft_writes_a_large_quantity_without_an_exponent():
    text = draft_text(make_order(quantity=Decimal("1000.000")))

    assert "(1000 units)" in text
