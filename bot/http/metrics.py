"""GET /metrics: Prometheus counters, histograms and gauges of one app (its own registry).

Requests, admission refusals and ingest rows are counted here, at the edge; digests, alerts
and sync runs are counted by the services (plain integers, bot.services.core.tallies) and
read on scrape; lagging orders come from the Home tab's cached team figures, so a scrape
never scans the orders itself (at most one computation per FIGURES_TTL, in the background).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Protocol

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from bot.services.core.tallies import Tallies, Tally
from bot.services.home.team_figures import TeamFigures
from bot.services.orders.lagging import LagKind

# Slack gives up on an ack after 3 s: buckets are dense below it.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
# A scrape waits this long for the first team figures (a full pass over the open orders);
# past it the lagging gauges are left out of that scrape and appear in a later one.
FIGURES_WAIT_SECONDS = 2.0
_TALLIES = {
    Tally.DIGESTS: ("backlog_digests", "Digests by outcome: posted, skipped, failed."),
    Tally.ALERTS: ("backlog_alerts", "Order alerts by outcome: posted, skipped, failed."),
    Tally.SYNC_RUNS: ("backlog_sync_runs", "Upstream sync runs by outcome: ok, failed, skipped."),
    Tally.SYNC_ORDERS: ("backlog_sync_orders", "Upstream records by outcome: changed, rejected."),
}
# Every outcome shows from the start (at 0), so rate() and alerts work before the first event.
_OUTCOMES = {
    Tally.DIGESTS: ("posted", "skipped", "failed"),
    Tally.ALERTS: ("posted", "skipped", "failed"),
    Tally.SYNC_RUNS: ("ok", "failed", "skipped"),
    Tally.SYNC_ORDERS: ("changed", "rejected"),
}


class FiguresSource(Protocol):
    """The Home tab's team figures (bot.services.home.team_figures.TeamFiguresService)."""

    async def figures(self, team: str | None) -> TeamFigures: ...


class Metrics:
    """The metrics of one app; several apps in one process each have their own."""

    def __init__(self, tallies: Tallies, figures: FiguresSource | None = None) -> None:
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "backlog_requests",
            "Slack and ingest API requests by surface, kind and HTTP status.",
            ("surface", "kind", "status"),
            registry=self.registry,
        )
        self._latency = Histogram(
            "backlog_request_duration_seconds",
            "Time to answer a Slack or ingest API request, by surface and kind.",
            ("surface", "kind"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._refusals = Counter(
            "backlog_admission_refusals",
            "Slack requests refused with 503 because too many were in flight.",
            registry=self.registry,
        )
        self._rows = Counter(
            "backlog_import_rows",
            "Orders received through the ingest API, by outcome.",
            ("source", "outcome"),
            registry=self.registry,
        )
        self._figures = figures
        self._services = _ServiceCollector(tallies)
        self.registry.register(self._services)

    def request(self, surface: str, kind: str, status: int, seconds: float) -> None:
        self._requests.labels(surface, kind, str(status)).inc()
        self._latency.labels(surface, kind).observe(seconds)

    def admission_refused(self) -> None:
        self._refusals.inc()

    def import_rows(self, source: str, outcome: str, count: int) -> None:
        self._rows.labels(source, outcome).inc(count)

    async def endpoint(self, _: Request) -> Response:
        """GET /metrics in the Prometheus text format."""
        await self._refresh_figures()
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    async def _refresh_figures(self) -> None:
        if self._figures is None:
            return
        # Shielded: a computation cut off by the wait still finishes and fills the cache.
        pending = asyncio.ensure_future(self._figures.figures(None))
        pending.add_done_callback(_retrieve)
        with contextlib.suppress(TimeoutError):  # the gauges wait for a later scrape
            self._services.figures = await asyncio.wait_for(
                asyncio.shield(pending), FIGURES_WAIT_SECONDS
            )


def _retrieve(done: asyncio.Future[TeamFigures]) -> None:
    # A failed computation is logged by the figures service's next caller; here it is only
    # collected, so asyncio does not report it as never retrieved.
    if not done.cancelled():
        done.exception()


class _ServiceCollector(Collector):
    """Reads the services' tallies and the latest team figures at scrape time."""

    def __init__(self, tallies: Tallies) -> None:
        self._tallies = tallies
        self.figures: TeamFigures | None = None

    def collect(self) -> Iterator[Metric]:
        for tally, (name, help_text) in _TALLIES.items():
            family = CounterMetricFamily(name, help_text, labels=("outcome",))
            counts = dict.fromkeys(_OUTCOMES[tally], 0) | self._tallies.counts(tally)
            for outcome, count in sorted(counts.items()):
                family.add_metric((outcome,), count)
            yield family
        if self.figures is not None:
            yield from _figure_gauges(self.figures)


def _figure_gauges(figures: TeamFigures) -> Iterator[Metric]:
    yield GaugeMetricFamily("backlog_open_orders", "Open orders.", value=figures.open_orders)
    yield GaugeMetricFamily(
        "backlog_lagging_orders", "Open orders lagging for any reason.", value=figures.lagging
    )
    by_reason = GaugeMetricFamily(
        "backlog_lagging_orders_by_reason",
        "Lagging orders by reason; an order lagging for two reasons counts under both.",
        labels=("reason",),
    )
    for reason in LagKind:
        by_reason.add_metric((reason.value,), figures.by_reason.get(reason, 0))
    yield by_reason
    yield GaugeMetricFamily(
        "backlog_order_figures_timestamp_seconds",
        "When the order gauges were computed (Unix time); they are cached for minutes.",
        value=figures.as_of.timestamp(),
    )
