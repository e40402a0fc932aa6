"""Shrunken, recency-weighted late rates, and what a training row may (not) see."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.services.risk.features import FEATURES
from bot.services.risk.history import ClosedOrder
from bot.services.risk.levels import LEVELS, order_keys
from bot.services.risk.model import fit
from bot.services.risk.rates import Outcome, Priors, RateBook, rates_as_of
from bot.services.risk.training import TrainingSet, default_lead, known_outcomes, training_set
from tests.services.risk.factories import make_closed, make_open, mixed_history

AS_OF = date(2025, 1, 1)
SUPPLIER = LEVELS.index("supplier")
SKU = LEVELS.index("sku")
SUPPLIER_SKU = LEVELS.index("supplier_sku")


def _outcome(day: int, late: bool, supplier: str = "Acme") -> Outcome:
    return Outcome(day, late, 5 if late else -1, order_keys(make_closed(supplier=supplier)))


def _training(history: list[ClosedOrder]) -> TrainingSet:
    outcomes, orders = known_outcomes(history, (), AS_OF)
    book = RateBook(365.0, Priors())
    return training_set(outcomes, orders, book, default_lead(orders), 10_000, AS_OF, 365.0)


def test_rates_new_sku_falls_back_to_the_global_rate() -> None:
    model = fit(mixed_history(), AS_OF)

    rates = model.rates(order_keys(make_open(supplier="Slow Co", sku="NEVER-SEEN")))

    assert rates[SKU] == pytest.approx(model.base_rate)


def test_rates_new_supplier_sku_pair_falls_back_to_the_supplier() -> None:
    model = fit(mixed_history(), AS_OF)

    rates = model.rates(order_keys(make_open(supplier="Slow Co", sku="NEVER-SEEN")))

    assert rates[SUPPLIER_SKU] == pytest.approx(rates[SUPPLIER])
    assert rates[SUPPLIER] > model.base_rate  # Slow Co is late every other order


def test_rates_empty_supplier_falls_back_to_the_global_rate() -> None:
    model = fit(mixed_history(), AS_OF)

    rates = model.rates(order_keys(make_open(supplier="")))

    assert rates[SUPPLIER] == pytest.approx(model.base_rate)


def test_rates_shrink_a_thin_record_towards_the_parent() -> None:
    book = RateBook(365.0, Priors(supplier=2.0))
    book.add(_outcome(100, True, supplier="New"))

    rate = book.rates(order_keys(make_open(supplier="New")), 100)[SUPPLIER]

    # One late order out of one: (1 + 2 * global) / (1 + 2), not 100%.
    assert rate == pytest.approx((1.0 + 2.0 * book.global_rate(100)) / 3.0)


def test_rates_weigh_an_outcome_one_half_life_old_by_one_half() -> None:
    book = RateBook(365.0, Priors())
    book.add(_outcome(1000, True))
    book.add(_outcome(1365, False))

    n, late = book.snapshot(1365)[0]["supplier"]["Acme"]

    assert n == pytest.approx(1.5)
    assert late == pytest.approx(0.5)


def test_rates_recent_outcomes_outweigh_old_ones() -> None:
    book = RateBook(365.0, Priors(supplier=0.5))
    for day in range(1000, 1010):
        book.add(_outcome(day, True))
    for day in range(3000, 3010):
        book.add(_outcome(day, False))

    rate = book.rates(order_keys(make_open()), 3010)[SUPPLIER]

    assert rate < 0.1


def test_rates_as_of_a_day_count_only_outcomes_known_by_then() -> None:
    outcomes = [_outcome(day, late=True) for day in (10, 20, 30)]
    keys = order_keys(make_open())

    rows = rates_as_of(outcomes, [(5, keys), (20, keys), (31, keys)], RateBook(365.0, Priors()))

    assert rows[0] == RateBook(365.0, Priors()).rates(keys, 5)  # nothing known yet: the prior
    assert rows[0][SUPPLIER] < rows[1][SUPPLIER] < rows[2][SUPPLIER]


def test_training_set_row_never_sees_its_own_outcome() -> None:
    due = date(2024, 6, 1)
    lone = make_closed(order_id="LONE", supplier="Lonely", ordered_at=due - timedelta(30),
                       due=due, promised=due, filled_at=due - timedelta(1))  # fmt: skip
    later = replace(lone, order_id="LATER", ordered_at=due + timedelta(10),
                    due=due + timedelta(40), promised=due + timedelta(40),
                    filled_at=due + timedelta(39))  # fmt: skip
    on_time = _training([*mixed_history(), lone, later])

    late = _training([*mixed_history(), replace(lone, filled_at=due + timedelta(9)), later])

    own = on_time.days.index((due - timedelta(30)).toordinal())
    after = on_time.days.index((due + timedelta(10)).toordinal())
    assert [c[own] for c in on_time.columns] == [c[own] for c in late.columns]
    assert on_time.labels[own] != late.labels[own]
    # ... while a later order of the same supplier does learn from it.
    assert [c[after] for c in on_time.columns] != [c[after] for c in late.columns]


def test_training_set_gives_no_row_an_eta_change_age() -> None:
    overdue = make_open(
        order_id="OPEN-1", due=AS_OF - timedelta(3), last_eta_change=AS_OF - timedelta(60)
    )
    outcomes, orders = known_outcomes(mixed_history(), [overdue], AS_OF)
    book = RateBook(365.0, Priors())

    data = training_set(outcomes, orders, book, default_lead(orders), 10_000, AS_OF, 365.0)

    assert set(data.columns[FEATURES.index("eta_age")]) == {0.0}
