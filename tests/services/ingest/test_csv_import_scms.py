"""The real, messy SCMS export imports with a column mapping, and a second run changes nothing."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.bootstrap.container import Services
from bot.services.ingest.csv_import.rows import ImportOptions, RowProblem
from bot.services.ingest.csv_import.service import ImportSinks
from storage.orders.tables import OrderStatus
from tests.conftest import SHARED

SCMS = SHARED / "data" / "scms_delivery_history.csv"
# The mapping documented in the README.
SCMS_OPTIONS = ImportOptions(
    mapping={
        "order_id": "ID",
        "customer": "Country",
        "ordered_at": "PO Sent to Vendor Date",
        "promised_date": "Scheduled Delivery Date",
        "eta": "Delivered to Client Date",
        "supplier": "Vendor",
        "product": "Item Description",
        "sku": "Molecule/Test Type",
        "quantity": "Line Item Quantity",
        "value": "Line Item Value",
    },
    constants={"currency": "USD", "status": OrderStatus.FILLED.value},
)


@pytest.mark.slow
async def test_scms_export_imports_and_reports_its_unreadable_dates(services: Services):
    problems: list[RowProblem] = []

    dry = await services.importer.import_csv(SCMS, _dry(), ImportSinks(problem=problems.append))
    first = await services.importer.import_csv(SCMS, SCMS_OPTIONS)
    second = await services.importer.import_csv(SCMS, SCMS_OPTIONS)

    assert (dry.created, dry.rejected, dry.landed) == (4592, 5732, False)
    assert (first.created, first.updated, first.rejected) == (4592, 0, 5732)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 4592)
    reasons = Counter(p.reason.split(" (e.g.")[0] for p in problems)
    assert reasons == {
        "unreadable date 'N/A - From RDC'": 5404,
        "unreadable date 'Date Not Captured'": 328,
    }
    assert {p.column for p in problems} == {"PO Sent to Vendor Date (ordered_at)"}
    assert first.encoding == "utf-8-sig"


def _dry() -> ImportOptions:
    from dataclasses import replace

    return replace(SCMS_OPTIONS, dry_run=True)
