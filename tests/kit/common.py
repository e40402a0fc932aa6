"""Test helpers: a fixed clock, order factories and CSV writers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.bootstrap.container import Services
from bot.sandbox.limits import check_message
from bot.services.ingest.csv_import.rows import ImportOptions
from storage.orders.tables import Order

if TYPE_CHECKING:
    from bot.bootstrap.container import Services
    from bot.services.orders.customer_updates import HelpdeskOutbox

CANONICAL_HEADER = ["order_id", "customer", "ordered_at", "promised_date"]


@dataclass
class FixedClock:
    """A clock tests move by hand."""

    now: datetime = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def order_row(**overrides: Any) -> dict[str, Any]:
    """A canonical CSV row with sensible values; override any column."""
    row: dict[str, Any] = {
        "order_id": "SO-1001",
        "customer": "Acme Hospital",
        "ordered_at": "2026-11-01",
        "promised_date": "2026-11-20",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    header: list[str] | None = None,
    newline: str = "\n",
    encoding: str = "utf-8",
    bom: bool = False,
) -> Path:
    """Write rows as CSV with the given line ending and encoding."""
    rows = list(rows)
    columns = header or list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator=newline)
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


async def seed_orders(services: Services, folder: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    """Create orders through the real import (canonical CSV columns)."""
    rows = list(rows)
    path = write_csv(folder / f"seed-{id(rows)}.csv", rows)
    summary = await services.importer.import_csv(path, ImportOptions())
    assert summary.rejected == 0, "seed rows must be valid"


def checked_message(body: Mapping[str, Any]) -> dict[str, Any]:
    """A message payload (ack body or response_url post) after the fake's Block Kit checks."""
    payload = dict(body)
    rejection = check_message(payload)
    assert rejection is None, rejection.body()
    assert payload.get("text"), "every message needs a plain-text fallback"
    return payload


def configure_roles_and_teams(
    services: Services,
    *,
    viewers: frozenset[str] = frozenset(),
    admins: frozenset[str] = frozenset(),
    teams: Mapping[str, str] | None = None,
    helpdesk: HelpdeskOutbox | None = None,
) -> None:
    """Give the test's services a role book, team channels (everyone else is a rep) and,
    optionally, a helpdesk to send customer updates to."""
    from bot.services.alerts.service import AlertService
    from bot.services.core.roles import Role, RoleBook
    from bot.services.core.teams import TeamChannels
    from bot.services.feedback.digests import FeedbackDigests
    from bot.services.feedback.service import FeedbackService
    from bot.services.home.dashboard import HomeService
    from bot.services.orders.actions import OrderActions
    from bot.services.orders.customer_updates import CustomerUpdates

    services.roles = RoleBook(admins=admins, viewers=viewers, default=Role.REP)
    zone = services.orders.zone
    services.actions = OrderActions(services.sessions, services.clock, zone, services.roles)
    services.feedback = FeedbackService(services.sessions, services.clock, zone, services.roles)
    services.feedback_digests = FeedbackDigests(
        services.sessions, services.clock, zone, services.roles
    )
    services.teams = TeamChannels(dict(teams or {}))
    services.alerts = AlertService(
        services.sessions, services.clock, zone, services.teams, tallies=services.tallies
    )
    home = services.home
    services.home = HomeService(
        services.sessions, services.clock, services.orders, home.figures, services.roles, home.admin
    )
    services.customer_updates = CustomerUpdates(
        services.sessions, services.clock, zone, services.actions, services.roles, helpdesk
    )


def make_order(**overrides: object) -> Order:
    values: dict[str, object] = {
        "external_id": "SO-1",
        "customer": "Acme",
        "ordered_at": NOW,
        "promised_date": date(2026, 12, 1),
        "last_activity_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Order(**values)  # type: ignore[arg-type]


NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
