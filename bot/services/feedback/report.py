"""The feedback report's arithmetic: counts now and before, delay hot spots, threats, latest notes.

Pure functions over rows already read: the service reads both periods in one query and hands
them here, so the numbers can be checked on a fixed data set without a database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.services.core.errors import InvalidInput
from bot.services.feedback.entries import FeedbackEntry
from storage.feedback.tables import FeedbackTag, Sentiment

REPORT_PERIODS = (7, 30, 90)  # days
TOP_NAMES = 5  # suppliers and SKUs listed
RECENT_PER_TAG = 2


@dataclass(frozen=True)
class ReportRow:
    """A note with what the report needs of its order (nothing when it has none)."""

    entry: FeedbackEntry
    supplier: str | None = None
    sku: str | None = None
    order_open: bool = False


@dataclass(frozen=True)
class Count:
    """One figure in this period and the one before."""

    label: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True)
class Period:
    """[start, end) and the period of the same length just before it."""

    start: datetime
    end: datetime
    days: int

    @property
    def previous_start(self) -> datetime:
        return self.start - timedelta(days=self.days)

    @classmethod
    def ending(cls, end: datetime, days: int) -> Period:
        if days not in REPORT_PERIODS:
            choices = ", ".join(f"{d}d" for d in REPORT_PERIODS)
            raise InvalidInput("period", f"Pick a period of {choices}.")
        return cls(end - timedelta(days=days), end, days)


@dataclass(frozen=True)
class FeedbackReport:
    """Everything `/backlog feedback report` and the weekly digest show."""

    period: Period
    team: str | None
    total: Count
    sentiments: list[Count]  # negative, neutral, positive, then "not set"
    tags: list[Count]  # every tag, in declared order
    delay_suppliers: list[tuple[str, int]]  # most named in delay complaints first
    delay_skus: list[tuple[str, int]]
    threats: list[FeedbackEntry]  # the latest threat per open order, newest first
    recent: dict[FeedbackTag, list[FeedbackEntry]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.total.current == 0


def summarise(rows: Sequence[ReportRow], period: Period, team: str | None) -> FeedbackReport:
    """The report of `rows` (both periods, newest first) for `period`."""
    now = [r for r in rows if period.start <= r.entry.created_at < period.end]
    before = [r for r in rows if period.previous_start <= r.entry.created_at < period.start]
    delays = [r for r in now if FeedbackTag.DELAY_COMPLAINT in r.entry.tags]
    return FeedbackReport(
        period=period,
        team=team,
        total=Count("Notes", len(now), len(before)),
        sentiments=_sentiments(now, before),
        tags=[Count(tag.label, _tagged(now, tag), _tagged(before, tag)) for tag in FeedbackTag],
        delay_suppliers=_most_named(r.supplier for r in delays),
        delay_skus=_most_named(r.sku for r in delays),
        threats=_threats(now),
        recent=_recent(now),
    )


def _sentiments(now: Sequence[ReportRow], before: Sequence[ReportRow]) -> list[Count]:
    def count(rows: Sequence[ReportRow], sentiment: Sentiment | None) -> int:
        return sum(1 for r in rows if r.entry.sentiment == sentiment)

    counts = [Count(s.label, count(now, s), count(before, s)) for s in Sentiment]
    return [*counts, Count("Not set", count(now, None), count(before, None))]


def _tagged(rows: Sequence[ReportRow], tag: FeedbackTag) -> int:
    return sum(1 for r in rows if tag in r.entry.tags)


def _most_named(names: Iterable[str | None]) -> list[tuple[str, int]]:
    counted = Counter(name.strip() for name in names if name and name.strip())
    # Ties read alphabetically, so the same data always gives the same list.
    return sorted(counted.items(), key=lambda item: (-item[1], item[0].lower()))[:TOP_NAMES]


def _threats(rows: Sequence[ReportRow]) -> list[FeedbackEntry]:
    latest: dict[int, FeedbackEntry] = {}
    for row in rows:  # newest first: the first threat seen per order is its latest
        entry = row.entry
        if row.order_open and entry.order_id is not None and _threat(entry):
            latest.setdefault(entry.order_id, entry)
    return list(latest.values())


def _threat(entry: FeedbackEntry) -> bool:
    return FeedbackTag.CANCELLATION_THREAT in entry.tags


def _recent(rows: Sequence[ReportRow]) -> dict[FeedbackTag, list[FeedbackEntry]]:
    recent: dict[FeedbackTag, list[FeedbackEntry]] = {}
    for tag in FeedbackTag:
        notes = [r.entry for r in rows if tag in r.entry.tags][:RECENT_PER_TAG]
        if notes:
            recent[tag] = notes
    return recent
