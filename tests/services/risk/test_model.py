"""Fitting and scoring: too little history, determinism, JSON round trip, the reasons' wording."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.services.risk.codec import decode, encode
from bot.services.risk.model import NotEnoughHistory, Params, fit
from tests.services.risk.factories import late_every, make_closed, make_open, mixed_history

AS_OF = date(2025, 1, 1)
TODAY = date(2025, 1, 10)


def test_fit_with_too_little_history_says_how_much_is_missing() -> None:
    history = late_every("Acme", 3, 150)

    with pytest.raises(NotEnoughHistory) as raised:
        fit(history, AS_OF)

    assert str(raised.value) == "not enough history: 150 closed orders, 200 needed"
    assert (raised.value.count, raised.value.needed) == (150, 200)


def test_fit_counts_only_orders_due_before_as_of() -> None:
    history = late_every("Acme", 3, 150) + late_every("Later", 3, 100, first_day=AS_OF)

    with pytest.raises(NotEnoughHistory, match="150 closed orders"):
        fit(history, AS_OF)


def test_fit_is_deterministic_whatever_the_input_order() -> None:
    history = mixed_history()

    first = encode(fit(history, AS_OF))
    second = encode(fit(list(reversed(history)), AS_OF))

    assert first == second


def test_fit_scores_an_unreliable_supplier_higher() -> None:
    model = fit(mixed_history(), AS_OF)

    slow = model.score(make_open(supplier="Slow Co"), TODAY).probability
    swift = model.score(make_open(supplier="Swift Ltd"), TODAY).probability

    assert 0.0 < swift < slow < 1.0


def test_model_json_round_trip_scores_the_same() -> None:
    model = fit(mixed_history(), AS_OF)
    order = make_open(supplier="Slow Co", sku="SKU-1")

    restored = decode(encode(model))

    assert restored.score(order, TODAY) == model.score(order, TODAY)
    assert encode(restored) == encode(model)
    assert (restored.as_of, restored.rows, restored.window) == (AS_OF, 300, model.window)


def test_model_json_carries_version_window_rows_and_metrics() -> None:
    model = fit(mixed_history(), AS_OF, Params(holdout_days=300))

    document = encode(model)

    assert '"version":1' in document
    assert '"window":["2024-01-01","2024-05-29"]' in document
    assert '"rows":300' in document
    assert '"holdout_auc"' in document


def test_model_from_json_refuses_another_version() -> None:
    document = encode(fit(mixed_history(), AS_OF)).replace('"version":1', '"version":99')

    with pytest.raises(ValueError, match="version 99"):
        decode(document)


def test_score_leads_with_the_supplier_record() -> None:
    model = fit(mixed_history(), AS_OF)

    score = model.score(make_open(supplier="Slow Co", sku="NEW", customer="New", team="New"), TODAY)

    assert (
        score.reasons[0]
        == "Supplier Slow Co filled 10 of its last 20 orders late (median 10 days)."
    )


def test_score_of_a_reliable_supplier_says_so() -> None:
    model = fit(mixed_history(), AS_OF)

    score = model.score(
        make_open(supplier="Swift Ltd", sku="NEW", customer="New", team="New"), TODAY
    )

    assert (
        score.reasons[0]
        == "Supplier Swift Ltd filled 2 of its last 20 orders late (median 10 days)."
    )


def test_score_of_an_unknown_supplier_says_the_overall_rate_stands_in() -> None:
    model = fit(mixed_history(), AS_OF)

    score = model.score(make_open(supplier="Brand New Ltd"), TODAY)

    assert any(
        reason.startswith("Supplier Brand New Ltd has no closed orders yet, so the overall rate (")
        for reason in score.reasons
    )


def test_score_of_an_overdue_order_is_certain() -> None:
    model = fit(mixed_history(), AS_OF)

    score = model.score(make_open(due=TODAY - timedelta(3)), TODAY)

    assert score.probability == 1.0
    assert score.reasons == ["It is already 3 days past its due date."]


def test_fit_counts_an_overdue_open_order_as_late() -> None:
    history = late_every("Swift Ltd", 0, 250)  # never late
    overdue = make_open(order_id="OPEN-9", supplier="Swift Ltd", due=AS_OF - timedelta(5))

    without = fit(history, AS_OF)
    with_overdue = fit(history, AS_OF, still_open=[overdue])

    assert with_overdue.rows == without.rows + 1
    assert with_overdue.tables["supplier"]["Swift Ltd"][1] > 0.0
    assert without.tables["supplier"]["Swift Ltd"][1] == 0.0


def test_fit_treats_an_order_filled_after_as_of_as_merely_overdue() -> None:
    due = AS_OF - timedelta(10)
    filled_later = make_closed(
        order_id="X", supplier="Lonely", due=due, promised=due, filled_at=AS_OF + timedelta(90)
    )

    model = fit([*mixed_history(), filled_later], AS_OF)

    # Late, by the 10 days known on as_of, not by the 100 it finally took.
    assert model.records["supplier"]["Lonely"] == (1, 1, 10)
