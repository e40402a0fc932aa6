"""The feedback report's arithmetic on a fixed data set and a fixed clock, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.bootstrap.container import Services
from bot.services.core.errors import InvalidInput
from bot.services.feedback.entries import FeedbackInput
from bot.services.feedback.report import FeedbackReport
from storage.feedback.tables import FeedbackTag, Sentiment
from storage.orders.tables import OrderStatus
from tests.kit.common import FixedClock
from tests.services.conftest import REP, make_order

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NEG, NEU, POS = Sentiment.NEGATIVE, Sentiment.NEUTRAL, Sentiment.POSITIVE
DELAY, THREAT = FeedbackTag.DELAY_COMPLAINT, FeedbackTag.CANCELLATION_THREAT
QUALITY, PRICING, PRAISE = FeedbackTag.PRODUCT_QUALITY, FeedbackTag.PRICING, FeedbackTag.PRAISE
# (when, order or customer, sentiment, tags, text). The 7-day report at NOW covers
# [11-17 09:00, 11-24 09:00); the period before it [11-10 09:00, 11-17 09:00).
NOTES: list[tuple[datetime, str, Sentiment | None, set[FeedbackTag], str]] = [
    (datetime(2026, 11, 9, 12, 0, tzinfo=UTC), "SO-1", NEG, {DELAY}, "too old for both"),
    (datetime(2026, 11, 10, 9, 0, tzinfo=UTC), "SO-2", NEG, {PRICING}, "p0 first instant"),
    (datetime(2026, 11, 12, 9, 0, tzinfo=UTC), "SO-1", NEG, {DELAY}, "p1"),
    (datetime(2026, 11, 15, 9, 0, tzinfo=UTC), "SO-2", POS, {PRAISE}, "p2"),
    (datetime(2026, 11, 16, 9, 0, tzinfo=UTC), "customer:Hooli", NEU, {PRICING}, "p3"),
    (datetime(2026, 11, 17, 9, 0, tzinfo=UTC), "SO-3", POS, {PRAISE}, "c0 first instant"),
    (datetime(2026, 11, 18, 9, 0, tzinfo=UTC), "SO-1", NEG, {DELAY, THREAT}, "c1 cancel"),
    (datetime(2026, 11, 19, 9, 0, tzinfo=UTC), "SO-3", NEG, {DELAY}, "c2"),
    (datetime(2026, 11, 20, 9, 0, tzinfo=UTC), "SO-2", NEG, {DELAY}, "c3"),
    (datetime(2026, 11, 21, 9, 0, tzinfo=UTC), "SO-4", NEG, {THREAT, DELAY}, "c4 closed"),
    (datetime(2026, 11, 22, 9, 0, tzinfo=UTC), "SO-1", NEU, {QUALITY}, "c5"),
    (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "customer:Hooli", POS, {PRAISE}, "c6"),
    (datetime(2026, 11, 23, 12, 0, tzinfo=UTC), "SO-2", None, set(), "c7 quick note"),
]


@pytest.fixture
async def data(services: Services, clock: FixedClock) -> Services:
    """Four orders (SO-4 filled; SO-3 in apac, the rest in emea) and the NOTES."""
    clock.now = datetime(2026, 11, 1, tzinfo=UTC)
    await make_order(services, "SO-1", team="emea", supplier="Globex", sku="SKU-A")
    await make_order(services, "SO-2", team="emea", supplier="Initech", sku="SKU-B")
    await make_order(services, "SO-3", team="apac", supplier="Globex", sku="SKU-B")
    await make_order(services, "SO-4", team="emea", supplier="Globex", sku="SKU-A")
    for when, target, sentiment, tags, text in NOTES:
        clock.now = when
        customer = target.removeprefix("customer:") if target.startswith("customer:") else None
        given = FeedbackInput(
            text, sentiment, frozenset(tags), None if customer else target, customer
        )
        await services.feedback.log(given, actor=REP)
    await make_order(services, "SO-4", status=OrderStatus.FILLED)
    clock.now = NOW
    return services


def counts(report: FeedbackReport) -> dict[str, tuple[int, int, int]]:
    figures = [report.total, *report.sentiments, *report.tags]
    return {c.label: (c.current, c.previous, c.change) for c in figures}


async def test_report_counts_by_sentiment_and_tag_against_the_week_before(data: Services):
    report = await data.feedback.report(7)

    assert counts(report) == {
        "Notes": (8, 4, 4),
        "Negative": (4, 2, 2),
        "Neutral": (1, 1, 0),
        "Positive": (2, 1, 1),
        "Not set": (1, 0, 1),
        "Delay complaint": (4, 1, 3),
        "Cancellation threat": (2, 0, 2),
        "Product quality": (1, 0, 1),
        "Pricing": (0, 2, -2),
        "Praise": (2, 1, 1),
        "Other": (0, 0, 0),
    }
    assert (report.period.start, report.period.end) == (
        datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
        NOW,
    )


async def test_report_names_suppliers_and_skus_of_delay_complaints(data: Services):
    report = await data.feedback.report(7)

    assert report.delay_suppliers == [("Globex", 3), ("Initech", 1)]
    assert report.delay_skus == [("SKU-A", 2), ("SKU-B", 2)]  # a tie reads alphabetically


async def test_report_lists_threats_on_open_orders_only(data: Services):
    report = await data.feedback.report(7)

    assert [(t.external_id, t.text) for t in report.threats] == [("SO-1", "c1 cancel")]


async def test_report_shows_the_most_recent_notes_per_tag(data: Services):
    report = await data.feedback.report(7)

    recent = {tag: [note.text for note in notes] for tag, notes in report.recent.items()}
    assert recent == {
        DELAY: ["c4 closed", "c3"],
        THREAT: ["c4 closed", "c1 cancel"],
        QUALITY: ["c5"],
        PRAISE: ["c6", "c0 first instant"],
    }


async def test_report_for_one_team_leaves_out_other_teams_and_customers(data: Services):
    report = await data.feedback.report(7, "EMEA")

    assert (report.total.current, report.total.previous) == (5, 3)
    assert report.delay_suppliers == [("Globex", 2), ("Initech", 1)]
    assert report.team == "EMEA"


async def test_report_over_30_days_compares_with_the_30_before(data: Services):
    report = await data.feedback.report(30)

    assert (report.total.current, report.total.previous) == (13, 0)


async def test_report_of_a_quiet_period_is_empty(data: Services, clock: FixedClock):
    clock.advance(days=30)

    report = await data.feedback.report(7)

    assert report.empty
    assert report.total.previous == 0
    assert report.threats == [] and report.recent == {}


@pytest.mark.parametrize("days", [0, 1, 14, 365])
async def test_report_refuses_other_periods(services: Services, days: int):
    with pytest.raises(InvalidInput) as raised:
        await services.feedback.report(days)

    assert raised.value.message == "Pick a period of 7d, 30d, 90d."
