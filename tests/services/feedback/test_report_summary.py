"""The feedback report's arithmetic on rows built by hand: no database, a fixed period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest

from bot.services.core.errors import InvalidInput
from bot.services.feedback.entries import FeedbackEntry
from bot.services.feedback.report import (
    RECENT_PER_TAG,
    REPORT_PERIODS,
    TOP_NAMES,
    Count,
    FeedbackReport,
    Period,
    ReportRow,
    summarise,
)
from storage.feedback.tables import FeedbackTag, Sentiment

END = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
WEEK = Period.ending(END, 7)  # [11-17 09:00, 11-24 09:00); the week before from 11-10 09:00
NEG, NEU, POS = Sentiment.NEGATIVE, Sentiment.NEUTRAL, Sentiment.POSITIVE
DELAY, THREAT = FeedbackTag.DELAY_COMPLAINT, FeedbackTag.CANCELLATION_THREAT
QUALITY, PRICING, PRAISE = FeedbackTag.PRODUCT_QUALITY, FeedbackTag.PRICING, FeedbackTag.PRAISE
_ids = count(1)


def days_ago(days: float) -> datetime:
    return END - timedelta(days=days)


def make_row(
    *tags: FeedbackTag,
    at: datetime | None = None,
    supplier: str | None = None,
    sku: str | None = None,
    order_open: bool = True,
    **entry: Any,
) -> ReportRow:
    """A note from a day ago on open order 1, with `tags`; override any entry field."""
    values: dict[str, Any] = {
        "id": next(_ids),
        "customer": "Acme Hospital",
        "text": "note",
        "sentiment": NEG,
        "tags": tags,
        "logged_by": "UREP00001",
        "created_at": at or days_ago(1),
        "order_id": 1,
    }
    values.update(entry)
    return ReportRow(FeedbackEntry(**values), supplier, sku, order_open)


def newest_first(*rows: ReportRow) -> list[ReportRow]:
    """Rows as the service hands them over."""
    return sorted(rows, key=lambda r: r.entry.created_at, reverse=True)


def figures(counts: list[Count]) -> dict[str, tuple[int, int]]:
    return {c.label: (c.current, c.previous) for c in counts}


def report_of(*rows: ReportRow, team: str | None = None) -> FeedbackReport:
    return summarise(newest_first(*rows), WEEK, team)


# Period


def test_period_ending_covers_the_days_before_the_end_and_the_same_length_before_that():
    period = Period.ending(END, 30)

    assert (period.start, period.end, period.days) == (days_ago(30), END, 30)
    assert period.previous_start == days_ago(60)


@pytest.mark.parametrize("days", [0, 1, 14, 31, 365])
def test_period_ending_refuses_a_length_not_offered(days: int):
    with pytest.raises(InvalidInput) as refused:
        Period.ending(END, days)

    assert refused.value.field == "period"
    assert refused.value.message == "Pick a period of 7d, 30d, 90d."


@pytest.mark.parametrize("days", REPORT_PERIODS)
def test_period_ending_accepts_every_offered_length(days: int):
    assert Period.ending(END, days).days == days


# Counts


def test_count_change_is_current_minus_previous():
    assert Count("Notes", 3, 5).change == -2
    assert Count("Notes", 5, 3).change == 2


def test_summarise_counts_notes_in_the_period_and_in_the_one_before():
    rows = [
        make_row(at=days_ago(1)),
        make_row(at=days_ago(6)),
        make_row(at=days_ago(8)),
        make_row(at=days_ago(20)),  # older than both periods
    ]

    report = report_of(*rows)

    assert (report.total.label, report.total.current, report.total.previous) == ("Notes", 2, 1)
    assert report.total.change == 1


def test_summarise_periods_include_their_start_and_exclude_their_end():
    rows = [
        make_row(at=WEEK.start, text="first instant of the week"),
        make_row(at=WEEK.previous_start, text="first instant of the week before"),
        make_row(at=END, text="the end itself: next week"),
        make_row(at=WEEK.previous_start - timedelta(microseconds=1), text="just too old"),
    ]

    report = report_of(*rows)

    assert (report.total.current, report.total.previous) == (1, 1)


def test_summarise_counts_sentiments_in_order_with_not_set_last():
    rows = [
        make_row(sentiment=NEG),
        make_row(sentiment=NEG),
        make_row(sentiment=POS),
        make_row(sentiment=None),
        make_row(sentiment=NEU, at=days_ago(10)),
        make_row(sentiment=None, at=days_ago(10)),
    ]

    report = report_of(*rows)

    assert [c.label for c in report.sentiments] == ["Negative", "Neutral", "Positive", "Not set"]
    assert figures(report.sentiments) == {
        "Negative": (2, 0),
        "Neutral": (0, 1),
        "Positive": (1, 0),
        "Not set": (1, 1),
    }


def test_summarise_counts_every_tag_in_declared_order_even_unused_ones():
    rows = [
        make_row(DELAY, THREAT),
        make_row(DELAY),
        make_row(PRAISE, at=days_ago(9)),
        make_row(),  # no tags at all
    ]

    report = report_of(*rows)

    assert [c.label for c in report.tags] == [tag.label for tag in FeedbackTag]
    assert figures(report.tags) == {
        "Delay complaint": (2, 0),
        "Cancellation threat": (1, 0),
        "Product quality": (0, 0),
        "Pricing": (0, 0),
        "Praise": (0, 1),
        "Other": (0, 0),
    }


def test_summarise_of_nothing_in_the_period_is_empty_but_still_counts_the_one_before():
    report = report_of(make_row(at=days_ago(10)))

    assert report.empty
    assert report.total.previous == 1
    assert (report.delay_suppliers, report.threats, report.recent) == ([], [], {})


def test_summarise_keeps_the_period_and_team_it_was_asked_for():
    report = report_of(make_row(), team="emea")

    assert (report.period, report.team) == (WEEK, "emea")
    assert not report.empty


# Delay hot spots


def test_summarise_ranks_suppliers_and_skus_named_in_delay_complaints():
    rows = [
        make_row(DELAY, supplier="Globex", sku="SKU-A"),
        make_row(DELAY, supplier="Globex", sku="SKU-B"),
        make_row(DELAY, THREAT, supplier="Initech", sku="SKU-B"),
        make_row(DELAY, supplier="Globex", sku="SKU-B"),
    ]

    report = report_of(*rows)

    assert report.delay_suppliers == [("Globex", 3), ("Initech", 1)]
    assert report.delay_skus == [("SKU-B", 3), ("SKU-A", 1)]


def test_summarise_delay_names_come_only_from_delay_complaints_in_the_period():
    rows = [
        make_row(DELAY, supplier="Globex"),
        make_row(PRICING, supplier="Initech"),  # not a delay complaint
        make_row(DELAY, supplier="Umbrella", at=days_ago(10)),  # the week before
    ]

    report = report_of(*rows)

    assert report.delay_suppliers == [("Globex", 1)]


def test_summarise_delay_ties_read_alphabetically_whatever_the_case():
    rows = [make_row(DELAY, supplier=name) for name in ["zeta", "Beta", "alpha", "Gamma"]]

    report = report_of(*rows)

    assert report.delay_suppliers == [("alpha", 1), ("Beta", 1), ("Gamma", 1), ("zeta", 1)]


def test_summarise_lists_at_most_top_names_suppliers():
    rows = [
        make_row(DELAY, supplier=f"Supplier {n}")
        for n in range(TOP_NAMES + 2)
        for _ in range(n + 1)  # Supplier n is named n + 1 times
    ]

    report = report_of(*rows)

    assert len(report.delay_suppliers) == TOP_NAMES
    assert report.delay_suppliers[0] == (f"Supplier {TOP_NAMES + 1}", TOP_NAMES + 2)
    assert report.delay_suppliers[-1] == ("Supplier 2", 3)


def test_summarise_delay_names_ignore_blanks_and_surrounding_spaces():
    rows = [
        make_row(DELAY, supplier=" Globex ", sku=None),
        make_row(DELAY, supplier="Globex", sku="   "),
        make_row(DELAY, supplier="", sku=""),
        make_row(DELAY, supplier=None, customer="no order", order_id=None),
    ]

    report = report_of(*rows)

    assert report.delay_suppliers == [("Globex", 2)]
    assert report.delay_skus == []


# Threats


def test_summarise_lists_the_latest_threat_per_open_order_newest_first():
    rows = [
        make_row(THREAT, order_id=1, at=days_ago(5), text="order 1, first threat"),
        make_row(THREAT, DELAY, order_id=1, at=days_ago(2), text="order 1, latest threat"),
        make_row(THREAT, order_id=2, at=days_ago(3), text="order 2 threat"),
        make_row(QUALITY, order_id=1, at=days_ago(1), text="order 1, not a threat"),
    ]

    report = report_of(*rows)

    assert [t.text for t in report.threats] == ["order 1, latest threat", "order 2 threat"]


def test_summarise_threats_leave_out_closed_orders_notes_without_order_and_older_periods():
    rows = [
        make_row(THREAT, order_id=1, order_open=False, text="closed order"),
        make_row(THREAT, order_id=None, order_open=False, text="customer only"),
        make_row(THREAT, order_id=3, at=days_ago(9), text="the week before"),
        make_row(THREAT, order_id=4, text="open order"),
    ]

    report = report_of(*rows)

    assert [t.text for t in report.threats] == ["open order"]


# Recent notes per tag


def test_summarise_shows_the_newest_notes_per_tag_capped():
    rows = [
        make_row(DELAY, at=days_ago(1), text="delay newest"),
        make_row(DELAY, THREAT, at=days_ago(2), text="delay and threat"),
        make_row(DELAY, at=days_ago(3), text="delay oldest"),
        make_row(PRAISE, at=days_ago(4), text="praise"),
        make_row(PRICING, at=days_ago(9), text="pricing the week before"),
        make_row(at=days_ago(1), text="no tags"),
    ]

    report = report_of(*rows)

    recent = {tag: [note.text for note in notes] for tag, notes in report.recent.items()}
    assert recent == {
        DELAY: ["delay newest", "delay and threat"],
        THREAT: ["delay and threat"],
        PRAISE: ["praise"],
    }
    assert list(recent) == [DELAY, THREAT, PRAISE]  # declared order
    assert all(len(notes) <= RECENT_PER_TAG for notes in report.recent.values())
