"""The slip rule: later is a slip, earlier is not, the promise stays."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.services.orders.eta_rule import EtaHistory, effective_eta

PROMISE = date(2026, 11, 20)


def test_eta_later_than_the_promise_is_a_slip_of_the_difference():
    move = EtaHistory(PROMISE).move_to(date(2026, 11, 25))

    assert (move.previous, move.slip_days, move.slip_count, move.days_slipped) == (
        PROMISE,
        5,
        1,
        5,
    )
    assert move.note == "slipped 5 day(s)"


def test_eta_earlier_or_equal_is_not_a_slip():
    history = EtaHistory(PROMISE, date(2026, 11, 25), slip_count=1, days_slipped=5)

    earlier = history.move_to(date(2026, 11, 22))
    same = history.move_to(date(2026, 11, 25))

    assert (earlier.slipped, earlier.slip_count, earlier.days_slipped) == (False, 1, 5)
    assert (same.slipped, same.note) == (False, None)


def test_eta_slip_is_measured_from_the_current_eta_not_the_promise():
    history = EtaHistory(PROMISE, date(2026, 11, 25), slip_count=1, days_slipped=5)

    move = history.move_to(date(2026, 11, 27))

    assert (move.slip_days, move.slip_count, move.days_slipped) == (2, 2, 7)


def test_effective_eta_falls_back_to_the_promise():
    assert effective_eta(None, PROMISE) == PROMISE
    assert effective_eta(date(2026, 12, 1), PROMISE) == date(2026, 12, 1)


@given(st.lists(st.integers(min_value=-60, max_value=60), max_size=20))
def test_eta_counters_sum_every_later_move(offsets: list[int]):
    history = EtaHistory(PROMISE)
    etas = [PROMISE + timedelta(days=n) for n in offsets]

    for eta in etas:
        move = history.move_to(eta)
        history = EtaHistory(PROMISE, eta, move.slip_count, move.days_slipped)

    previous = [PROMISE, *etas]
    deltas = [(new - old).days for old, new in zip(previous, etas, strict=False)]
    assert history.slip_count == sum(1 for d in deltas if d > 0)
    assert history.days_slipped == sum(d for d in deltas if d > 0)
    assert history.promised_date == PROMISE
