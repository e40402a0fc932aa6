"""The wording of each reason sentence."""

from __future__ import annotations

from datetime import date

from bot.services.risk.reasons import Record, level_sentence, size_sentence, state_sentence
from tests.services.risk.factories import make_open

ORDER = make_open(supplier="Vendor X", sku="PUMP-7", customer="St Mary's", team="North")
TODAY = date(2026, 1, 20)


def test_level_sentence_supplier_counts_its_last_orders() -> None:
    sentence = level_sentence("supplier", ORDER, Record(9, 20, 12), 0.1)

    assert sentence == "Supplier Vendor X filled 9 of its last 20 orders late (median 12 days)."


def test_level_sentence_supplier_with_no_late_order() -> None:
    sentence = level_sentence("supplier", ORDER, Record(0, 7, 0), 0.1)

    assert sentence == "Supplier Vendor X filled none of its last 7 orders late."


def test_level_sentence_one_day_is_singular() -> None:
    sentence = level_sentence("sku", ORDER, Record(1, 20, 1), 0.1)

    assert sentence == "SKU PUMP-7 had 1 of its last 20 orders late (median 1 day)."


def test_level_sentence_compound_levels_name_both_sides() -> None:
    pair = level_sentence("supplier_sku", ORDER, Record(3, 5, 10), 0.1)
    customer = level_sentence("supplier_customer", ORDER, Record(2, 4, 6), 0.1)
    team = level_sentence("supplier_team", ORDER, Record(2, 4, 6), 0.1)

    assert (
        pair
        == "Supplier Vendor X filled 3 of its last 5 orders of SKU PUMP-7 late (median 10 days)."
    )
    assert (
        customer
        == "Supplier Vendor X filled 2 of its last 4 orders for St Mary's late (median 6 days)."
    )
    assert team == (
        "Supplier Vendor X filled 2 of its last 4 orders handled by team North late "
        "(median 6 days)."
    )


def test_level_sentence_new_key_names_what_stands_in() -> None:
    new_supplier = level_sentence("supplier", ORDER, None, 0.14)
    new_pair = level_sentence("supplier_sku", ORDER, None, 0.14)

    assert (
        new_supplier
        == "Supplier Vendor X has no closed orders yet, so the overall rate (14%) stands in."
    )
    assert new_pair == (
        "Supplier Vendor X has no closed orders of SKU PUMP-7 yet, so its overall record stands in."
    )


def test_state_sentence_slips_and_eta_change() -> None:
    order = make_open(slips=2, last_eta_change=date(2026, 1, 15))

    assert state_sentence("slips", order, TODAY) == "Its ETA has already slipped 2 times."
    assert state_sentence("eta_age", order, TODAY) == "Its ETA last changed 5 days ago."


def test_state_sentence_days_left_and_lead_time() -> None:
    order = make_open(ordered_at=date(2026, 1, 1), due=date(2026, 2, 1))

    assert state_sentence("days_left", order, TODAY) == "It is due in 12 days."
    assert state_sentence("lead_time", order, TODAY) == "It was ordered 31 days before it is due."


def test_size_sentence_compares_with_most_orders() -> None:
    assert size_sentence("quantity", 12000.0, True) == "Its quantity, 12,000, is larger than most."
    assert size_sentence("value", 80.0, False) == "Its value, 80, is lower than most."
