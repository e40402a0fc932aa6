"""Which reasons a score gets: the strongest first, never contradicting it, never repeated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.services.risk.explain import explain
from bot.services.risk.features import FEATURES
from bot.services.risk.levels import LEVELS, order_keys
from bot.services.risk.logistic import LogisticFit
from bot.services.risk.reasons import Record, Records
from tests.services.risk.factories import make_open

ORDER = make_open(supplier="Vendor X", sku="PUMP-7")
TODAY = date(2026, 1, 20)


def _fit(**coefs: float) -> LogisticFit:
    zeros = tuple(0.0 for _ in FEATURES)
    return LogisticFit(0.0, tuple(coefs.get(name, 0.0) for name in FEATURES), zeros, zeros)


@dataclass
class FakeModel:
    """Just what explaining reads from a model."""

    logistic: LogisticFit
    records: Records = field(default_factory=lambda: {level: {} for level in LEVELS})
    base_rate: float = 0.2


def _row(**values: float) -> list[float]:
    return [values.get(name, 0.0) for name in FEATURES]


def test_explain_orders_reasons_by_strength() -> None:
    model = FakeModel(_fit(supplier=1.0, sku=1.0))
    model.records["supplier"]["Vendor X"] = Record(9, 20, 12)
    model.records["sku"]["PUMP-7"] = Record(12, 20, 4)

    reasons = explain(model, ORDER, order_keys(ORDER), TODAY, _row(supplier=0.5, sku=0.9), 0.6)

    assert reasons == [
        "SKU PUMP-7 had 12 of its last 20 orders late (median 4 days).",
        "Supplier Vendor X filled 9 of its last 20 orders late (median 12 days).",
    ]


def test_explain_skips_a_record_that_points_the_other_way() -> None:
    model = FakeModel(_fit(supplier=1.0, sku=1.0))
    model.records["supplier"]["Vendor X"] = Record(1, 20, 3)  # 5%: below the 20% base rate
    model.records["sku"]["PUMP-7"] = Record(12, 20, 4)

    reasons = explain(model, ORDER, order_keys(ORDER), TODAY, _row(supplier=0.9, sku=0.5), 0.6)

    assert reasons == ["SKU PUMP-7 had 12 of its last 20 orders late (median 4 days)."]


def test_explain_does_not_repeat_the_same_record() -> None:
    model = FakeModel(_fit(supplier=1.0, supplier_sku=1.0))
    model.records["supplier"]["Vendor X"] = Record(9, 20, 12)
    model.records["supplier_sku"][order_keys(ORDER)[4]] = Record(9, 20, 12)  # it sells only PUMP-7

    reasons = explain(
        model, ORDER, order_keys(ORDER), TODAY, _row(supplier=0.5, supplier_sku=0.4), 0.6
    )

    assert reasons == ["Supplier Vendor X filled 9 of its last 20 orders late (median 12 days)."]


def test_explain_falls_back_to_the_supplier_record() -> None:
    model = FakeModel(_fit())
    model.records["supplier"]["Vendor X"] = Record(4, 20, 2)

    reasons = explain(model, ORDER, order_keys(ORDER), TODAY, _row(), 0.2)

    assert reasons == ["Supplier Vendor X filled 4 of its last 20 orders late (median 2 days)."]
