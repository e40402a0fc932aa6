"""CSV import on both databases: upsert, events, slips, encodings and rejected rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.bootstrap.container import Services
from bot.services.ingest.csv_import.file_kind import SourceProblem
from bot.services.ingest.csv_import.rows import ImportOptions, MappingProblem, RowProblem
from bot.services.ingest.csv_import.service import ImportSinks, ImportSummary
from bot.services.ingest.order_writer import OrderChange
from storage.orders.tables import OrderStatus
from tests.kit.common import FixedClock, order_row, write_csv
from tests.kit.imports import load_events, load_orders


async def run_import(
    services: Services, path: Path, **options: object
) -> tuple[ImportSummary, list[RowProblem], list[OrderChange]]:
    problems: list[RowProblem] = []
    changes: list[OrderChange] = []
    sinks = ImportSinks(problem=problems.append, change=changes.append)
    summary = await services.importer.import_csv(path, ImportOptions(**options), sinks)  # type: ignore[arg-type]
    return summary, problems, changes


async def test_import_creates_orders_with_every_canonical_field(services: Services, tmp_path: Path):
    path = write_csv(
        tmp_path / "orders.csv",
        [
            order_row(
                customer_email="Buyer@Acme.example",
                owner="U0123ABCD",
                team="emea",
                sku="SKU-9",
                product="Widget, large",
                supplier="Globex",
                quantity="1,200",
                value="$3,400.50",
                currency="eur",
                status="Backordered",
                eta="2026-11-27",
                updated_at="2026-11-02T08:00:00Z",
            )
        ],
    )

    summary, problems, _ = await run_import(services, path)

    assert (summary.created, summary.rejected, summary.landed) == (1, 0, True)
    assert problems == []
    order = (await load_orders(services))["SO-1001"]
    assert order.customer_email == "buyer@acme.example"
    assert order.quantity == Decimal("1200") and order.value == Decimal("3400.50")
    assert order.currency == "EUR" and order.status == OrderStatus.BACKORDERED
    assert order.ordered_at == datetime(2026, 11, 1, tzinfo=UTC)
    assert order.promised_date == date(2026, 11, 20) and order.current_eta == date(2026, 11, 27)
    assert (order.slip_count, order.days_slipped) == (1, 7)
    assert order.source_updated_at == datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert order.closed_at is None and order.is_open
    [event] = await load_events(services)
    assert (event.kind, event.source, event.actor) == ("created", "import", "import:orders.csv")
    assert event.note == "orders.csv line 2"


async def test_import_twice_changes_nothing(services: Services, tmp_path: Path):
    path = write_csv(
        tmp_path / "o.csv", [order_row(order_id=f"SO-{i}", value="9.99") for i in range(5)]
    )
    await run_import(services, path)

    summary, _, changes = await run_import(services, path)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 5)
    assert changes == []
    assert len(await load_events(services)) == 5


async def test_import_update_changes_only_what_changed_and_logs_each_field(
    services: Services, tmp_path: Path, clock: FixedClock
):
    await run_import(services, write_csv(tmp_path / "a.csv", [order_row(team="emea", sku="A")]))
    clock.advance(hours=2)

    summary, _, changes = await run_import(
        services, write_csv(tmp_path / "b.csv", [order_row(team="apac", sku="A")])
    )

    assert summary.updated == 1
    assert [(c.field, c.old, c.new) for c in changes[0].changes] == [("team", "emea", "apac")]
    order = (await load_orders(services))["SO-1001"]
    assert order.team == "apac" and order.version == 2
    assert order.last_activity_at == clock.now
    event = (await load_events(services))[-1]
    assert (event.kind, event.field, event.old_value, event.new_value) == (
        "field_changed",
        "team",
        "emea",
        "apac",
    )


async def test_import_later_eta_is_a_slip_and_earlier_eta_is_not(
    services: Services, tmp_path: Path
):
    first = [order_row(eta="2026-11-20")]
    await run_import(services, write_csv(tmp_path / "1.csv", first))

    await run_import(services, write_csv(tmp_path / "2.csv", [order_row(eta="2026-11-25")]))
    await run_import(services, write_csv(tmp_path / "3.csv", [order_row(eta="2026-11-23")]))
    await run_import(services, write_csv(tmp_path / "4.csv", [order_row(eta="2026-11-30")]))

    order = (await load_orders(services))["SO-1001"]
    assert order.current_eta == date(2026, 11, 30)
    assert (order.slip_count, order.days_slipped) == (2, 5 + 7)
    assert order.promised_date == date(2026, 11, 20)
    notes = [e.note for e in await load_events(services) if e.kind == "eta_changed"]
    assert notes == ["slipped 5 day(s)", None, "slipped 7 day(s)"]


async def test_import_moved_promise_becomes_an_eta_and_keeps_the_original(
    services: Services, tmp_path: Path
):
    await run_import(services, write_csv(tmp_path / "1.csv", [order_row()]))

    await run_import(
        services, write_csv(tmp_path / "2.csv", [order_row(promised_date="2026-12-01")])
    )

    order = (await load_orders(services))["SO-1001"]
    assert order.promised_date == date(2026, 11, 20)
    assert order.current_eta == date(2026, 12, 1)
    assert (order.slip_count, order.days_slipped) == (1, 11)
    event = (await load_events(services))[-1]
    assert "original promise 2026-11-20 kept" in (event.note or "")


async def test_import_closing_status_sets_closed_at_and_reopening_clears_it(
    services: Services, tmp_path: Path, clock: FixedClock
):
    await run_import(services, write_csv(tmp_path / "1.csv", [order_row(status="open")]))
    clock.advance(days=1)

    await run_import(services, write_csv(tmp_path / "2.csv", [order_row(status="shipped")]))
    closed = (await load_orders(services))["SO-1001"]
    await run_import(services, write_csv(tmp_path / "3.csv", [order_row(status="delayed")]))
    reopened = (await load_orders(services))["SO-1001"]

    assert closed.status == OrderStatus.FILLED and closed.closed_at == clock.now
    assert reopened.status == OrderStatus.BACKORDERED and reopened.closed_at is None


async def test_import_empty_cell_never_erases_stored_data(services: Services, tmp_path: Path):
    await run_import(services, write_csv(tmp_path / "1.csv", [order_row(team="emea")]))

    summary, _, _ = await run_import(services, write_csv(tmp_path / "2.csv", [order_row(team="")]))

    assert summary.unchanged == 1
    assert (await load_orders(services))["SO-1001"].team == "emea"


async def test_import_ignores_rows_older_than_the_stored_version(
    services: Services, tmp_path: Path
):
    newer = order_row(team="apac", updated_at="2026-11-10T00:00:00Z")
    await run_import(services, write_csv(tmp_path / "1.csv", [newer]))

    older = order_row(team="emea", updated_at="2026-11-09T00:00:00Z")
    summary, _, changes = await run_import(services, write_csv(tmp_path / "2.csv", [older]))

    assert summary.stale == 1 and summary.updated == 0
    assert "older than the stored one" in (changes[0].reason or "")
    assert (await load_orders(services))["SO-1001"].team == "apac"


async def test_import_repeated_order_id_in_one_file_applies_rows_in_order(
    services: Services, tmp_path: Path
):
    rows = [order_row(team="a"), order_row(order_id="SO-2"), order_row(team="b")]

    summary, _, _ = await run_import(services, write_csv(tmp_path / "o.csv", rows), chunk_size=10)

    assert (summary.created, summary.updated) == (2, 1)
    assert (await load_orders(services))["SO-1001"].team == "b"


async def test_import_reports_each_bad_cell_with_line_and_column_and_lands_the_rest(
    services: Services, tmp_path: Path
):
    rows = [
        order_row(order_id="OK-1"),
        order_row(order_id="BAD-1", ordered_at="Date Not Captured", quantity="many"),
        order_row(order_id="", customer=""),
        order_row(order_id="OK-2", status="teleported"),
    ]

    summary, problems, _ = await run_import(services, write_csv(tmp_path / "o.csv", rows))

    assert (summary.created, summary.rejected, summary.landed) == (1, 3, True)
    assert [(p.line, p.column) for p in problems] == [
        (3, "ordered_at"),
        (3, "quantity"),
        (4, "order_id"),
        (4, "customer"),
        (5, "status"),
    ]
    assert "unreadable date 'Date Not Captured'" in problems[0].reason
    assert problems[2].reason == "required, but empty"
    assert problems[0].order_id == "BAD-1"
    assert set(await load_orders(services)) == {"OK-1"}


async def test_import_strict_writes_nothing_when_a_row_is_rejected(
    services: Services, tmp_path: Path
):
    rows = [order_row(order_id="OK-1"), order_row(order_id="BAD", promised_date="soon")]

    summary, problems, _ = await run_import(
        services, write_csv(tmp_path / "o.csv", rows), strict=True
    )

    assert (summary.rejected, summary.landed) == (1, False)
    assert len(problems) == 1
    assert await load_orders(services) == {}


async def test_import_dry_run_counts_changes_and_writes_nothing(services: Services, tmp_path: Path):
    rows = [order_row(order_id=f"SO-{i}") for i in range(3)]

    summary, _, changes = await run_import(
        services, write_csv(tmp_path / "o.csv", rows), dry_run=True
    )

    assert (summary.created, summary.landed, len(changes)) == (3, False, 3)
    assert await load_orders(services) == {}
    assert await load_events(services) == []


@pytest.mark.parametrize(
    ("newline", "encoding", "bom"),
    [("\r\n", "utf-8", False), ("\r", "utf-8", True), ("\n", "latin-1", False)],
)
async def test_import_reads_line_endings_bom_and_latin1(
    services: Services, tmp_path: Path, newline: str, encoding: str, bom: bool
):
    rows = [order_row(customer="Côte d'Ivoire"), order_row(order_id="SO-2", product='A "B"\nC')]
    path = write_csv(tmp_path / "o.csv", rows, newline=newline, encoding=encoding, bom=bom)

    summary, problems, _ = await run_import(services, path)

    assert problems == [] and summary.created == 2
    orders = await load_orders(services)
    assert orders["SO-1001"].customer == "Côte d'Ivoire"
    assert orders["SO-2"].product == 'A "B"\nC'


async def test_import_line_numbers_count_quoted_newlines(services: Services, tmp_path: Path):
    rows = [order_row(product="two\nlines"), order_row(order_id="SO-2", customer="")]

    _, problems, _ = await run_import(services, write_csv(tmp_path / "o.csv", rows))

    assert [(p.line, p.column) for p in problems] == [(4, "customer")]


async def test_import_maps_columns_constants_and_statuses(services: Services, tmp_path: Path):
    rows = [
        {"PO": "77", "Buyer": "Zambia", "Sent": "13/11/2006", "Due": "30/01/2007", "St": "Done!"}
    ]
    options = {
        "mapping": {
            "order_id": "PO",
            "customer": "buyer",
            "ordered_at": "Sent",
            "promised_date": "Due",
            "status": "St",
        },
        "constants": {"currency": "usd"},
        "status_map": {"Done!": OrderStatus.FILLED},
        "date_order": "dmy",
    }

    summary, problems, _ = await run_import(
        services, write_csv(tmp_path / "x.csv", rows), **options
    )

    assert problems == [] and summary.created == 1
    order = (await load_orders(services))["77"]
    assert (order.customer, order.currency, order.status) == ("Zambia", "USD", OrderStatus.FILLED)
    assert order.promised_date == date(2007, 1, 30)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mapping": {"order_id": "Nope"}}, "no column 'Nope'; the columns are: ID, Country"),
        ({"mapping": {"colour": "ID"}}, "unknown field 'colour'"),
        ({"mapping": {"order_id": "ID"}}, "missing required column(s) customer, ordered_at"),
        (
            {
                "mapping": {"order_id": "ID", "customer": "Country"},
                "constants": {
                    "ordered_at": "2026-01-01",
                    "promised_date": "2026-02-01",
                    "currency": "$",
                },
            },
            "--set currency=$: currency must be a 3-letter ISO code",
        ),
    ],
)
async def test_import_rejects_a_mapping_that_does_not_fit_before_writing(
    services: Services, tmp_path: Path, options: dict[str, object], message: str
):
    path = write_csv(tmp_path / "x.csv", [{"ID": "1", "Country": "Zambia"}])

    with pytest.raises(MappingProblem) as caught:
        await run_import(services, path, **options)

    assert message in str(caught.value)
    assert await load_orders(services) == {}


async def test_import_refuses_missing_empty_and_broken_files(services: Services, tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    with pytest.raises(SourceProblem, match="no such file"):
        await run_import(services, tmp_path / "missing.csv")
    with pytest.raises(SourceProblem, match="the file is empty"):
        await run_import(services, empty)
