"""Files as real teams have them, on both databases: semicolons, tabs, UTF-16, .xlsx; files
that hold no rows; order ids repeated within one file."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.bootstrap.container import Services
from bot.services.ingest.csv_import.file_kind import BadSourceOption, SourceProblem
from bot.services.ingest.csv_import.rows import ImportOptions, RowProblem
from bot.services.ingest.csv_import.service import ImportSinks, ImportSummary, RepeatedId
from bot.services.ingest.csv_import.sources import open_source
from tests.kit.common import CANONICAL_HEADER, order_row, write_csv
from tests.kit.files import write_text, write_xlsx
from tests.kit.imports import load_events, load_orders

ROW = ["SO-1", "Côte d'Ivoire", "2026-11-01", "2026-11-20"]


async def run_import(
    services: Services, path: Path, **options: object
) -> tuple[ImportSummary, list[RowProblem], list[RepeatedId]]:
    problems: list[RowProblem] = []
    repeats: list[RepeatedId] = []
    sinks = ImportSinks(problem=problems.append, repeat=repeats.append)
    summary = await services.importer.import_csv(path, ImportOptions(**options), sinks)  # type: ignore[arg-type]
    return summary, problems, repeats


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
async def test_import_detects_the_delimiter_from_the_header_row(
    services: Services, tmp_path: Path, delimiter: str
):
    rows = [
        [*CANONICAL_HEADER, "value"],
        [*ROW, "1,200.50"],
        ["SO-2", "B", "2026-11-02", "11/30/2026", ""],
    ]
    if delimiter == ",":
        rows[1][-1] = "1200.50"
    path = write_text(tmp_path / "orders.csv", rows, delimiter=delimiter)

    summary, problems, _ = await run_import(services, path)

    assert problems == []
    assert (summary.created, summary.delimiter) == (2, delimiter)
    orders = await load_orders(services)
    assert orders["SO-1"].customer == "Côte d'Ivoire"
    assert orders["SO-1"].value == Decimal("1200.50")
    assert orders["SO-2"].promised_date == date(2026, 11, 30)


async def test_import_delimiter_option_overrides_detection(services: Services, tmp_path: Path):
    # A header of one column names no delimiter: detection falls back to a comma.
    rows = [["order_id;customer;ordered_at;promised_date"], [";".join(ROW)]]
    path = write_text(tmp_path / "orders.txt", rows)

    summary, problems, _ = await run_import(services, path, delimiter=";")

    assert (summary.created, problems) == (1, [])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
async def test_import_reads_excel_unicode_text_utf16_tab_separated(
    services: Services, tmp_path: Path, encoding: str
):
    rows = [CANONICAL_HEADER, ROW, ["SO-2", "Zürich Spital", "2026-11-02", "2026-11-30"]]
    path = write_text(
        tmp_path / "orders.txt", rows, delimiter="\t", encoding=encoding, newline="\r\n"
    )

    summary, problems, _ = await run_import(services, path)

    assert problems == []
    assert (summary.created, summary.encoding, summary.delimiter) == (2, "utf-16", "\t")
    orders = await load_orders(services)
    assert orders["SO-2"].customer == "Zürich Spital"


async def test_import_reads_an_xlsx_workbook_with_typed_cells(services: Services, tmp_path: Path):
    path = write_xlsx(
        tmp_path / "export.xlsx",
        {
            "Orders": [
                ["Order ID", "Customer", "Ordered At", "Promised Date", "Quantity", "Value", "ETA"],
                [4711, "Acme", datetime(2026, 11, 1, 10, 30), date(2026, 11, 20), 12.5, 1200, None],
                [],
                [
                    4712.0,
                    "Globex",
                    datetime(2026, 11, 2),
                    datetime(2026, 11, 30),
                    3,
                    0.1,
                    date(2026, 12, 4),
                ],
            ],
            "Notes": [["not", "orders"]],
        },
    )

    summary, problems, _ = await run_import(services, path)

    assert problems == []
    assert (summary.created, summary.rows) == (2, 2)
    orders = await load_orders(services)
    first, second = orders["4711"], orders["4712"]
    assert first.ordered_at == datetime(2026, 11, 1, 10, 30, tzinfo=UTC)
    assert first.promised_date == date(2026, 11, 20)
    assert (first.quantity, first.value) == (Decimal("12.500"), Decimal("1200.00"))
    assert (second.promised_date, second.current_eta) == (date(2026, 11, 30), date(2026, 12, 4))
    assert second.value == Decimal("0.10")
    notes = [event.note for event in await load_events(services)]
    assert notes == ["export.xlsx line 2", "export.xlsx line 4"]  # the sheet's row numbers


async def test_import_xlsx_sheet_option_picks_a_sheet_by_name(services: Services, tmp_path: Path):
    header = CANONICAL_HEADER
    path = write_xlsx(
        tmp_path / "export.xlsx",
        {"Summary": [["total", 2]], "Open orders": [header, ROW]},
    )

    summary, _, _ = await run_import(services, path, sheet="Open orders")

    assert summary.created == 1
    assert set(await load_orders(services)) == {"SO-1"}


async def test_import_xlsx_reports_bad_cells_by_sheet_row(services: Services, tmp_path: Path):
    path = write_xlsx(
        tmp_path / "export.xlsx",
        {"Orders": [CANONICAL_HEADER, ROW, ["SO-2", "B", "Date Not Captured", date(2026, 11, 20)]]},
    )

    summary, problems, _ = await run_import(services, path)

    assert (summary.created, summary.rejected) == (1, 1)
    assert [(p.line, p.column, p.order_id) for p in problems] == [(3, "ordered_at", "SO-2")]
    assert "unreadable date 'Date Not Captured'" in problems[0].reason


async def test_import_header_only_file_has_no_rows_and_writes_nothing(
    services: Services, tmp_path: Path
):
    path = write_text(tmp_path / "orders.csv", [CANONICAL_HEADER, ["", "", "", ""]])

    summary, problems, _ = await run_import(services, path)

    assert (summary.rows, summary.created, summary.rejected, problems) == (0, 0, 0, [])
    assert await load_orders(services) == {}


async def test_import_repeated_order_id_is_reported_and_the_later_row_wins(
    services: Services, tmp_path: Path
):
    rows = [
        order_row(team="first"),
        order_row(order_id="SO-2"),
        order_row(team="second"),
        order_row(team="third"),
    ]

    summary, _, repeats = await run_import(services, write_csv(tmp_path / "o.csv", rows))

    assert repeats == [RepeatedId(4, "SO-1001", 2), RepeatedId(5, "SO-1001", 2)]
    assert (summary.created, summary.updated, summary.repeated) == (2, 2, 2)
    assert (await load_orders(services))["SO-1001"].team == "third"
    teams = [e.new_value for e in await load_events(services) if e.field == "team"]
    assert teams == ["second", "third"]  # every step is in the audit log


async def test_import_repeated_order_id_with_an_older_updated_at_is_skipped(
    services: Services, tmp_path: Path
):
    rows = [
        order_row(team="new", updated_at="2026-11-10T00:00:00Z"),
        order_row(team="old", updated_at="2026-11-09T00:00:00Z"),
    ]

    summary, _, repeats = await run_import(services, write_csv(tmp_path / "o.csv", rows))

    assert repeats == [RepeatedId(3, "SO-1001", 2)]
    assert (summary.created, summary.stale) == (1, 1)
    assert (await load_orders(services))["SO-1001"].team == "new"


def _zip(path: Path, member: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, "<x/>")
    return path


@pytest.mark.parametrize(
    ("name", "content", "looks_like"),
    [
        ("scan.pdf", b"%PDF-1.7\n...", "looks like a PDF document"),
        ("orders.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "looks like a PNG image"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "looks like a JPEG image"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Excel 97-2003 .xls"),
        ("dump.bin", b"order_id\x00\x01\x02", "contains NUL bytes"),
        ("orders.csv.gz", b"\x1f\x8b\x08\x00", "looks like a gzip archive"),
    ],
)
def test_open_source_names_what_a_binary_file_looks_like(
    tmp_path: Path, name: str, content: bytes, looks_like: str
):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(SourceProblem) as caught, open_source(path):
        pass

    message = str(caught.value)
    assert looks_like in message
    assert "not a CSV or text file nor an .xlsx workbook" in message
    assert "\n" not in message


def test_open_source_tells_zip_archives_and_word_files_from_workbooks(tmp_path: Path):
    archive = _zip(tmp_path / "orders.zip", "orders.csv")
    document = _zip(tmp_path / "orders.xlsx", "word/document.xml")

    with pytest.raises(SourceProblem, match="looks like a ZIP archive"), open_source(archive):
        pass
    word = r"looks like a Word document \(.docx\)"
    with pytest.raises(SourceProblem, match=word), open_source(document):
        pass


def test_open_source_refuses_a_sheet_that_is_not_there_or_a_sheet_of_a_csv(tmp_path: Path):
    book = write_xlsx(tmp_path / "b.xlsx", {"Orders": [CANONICAL_HEADER], "Old": [["x"]]})
    text = write_text(tmp_path / "o.csv", [CANONICAL_HEADER])

    with pytest.raises(BadSourceOption) as missing, open_source(book, sheet="Open"):
        pass
    with pytest.raises(BadSourceOption) as not_a_book, open_source(text, sheet="Orders"):
        pass

    assert str(missing.value).endswith("no sheet 'Open' (--sheet); the sheets are: Orders, Old")
    assert str(not_a_book.value).endswith("--sheet is for .xlsx workbooks; this is a text file")


def test_open_source_unknown_encoding_is_a_clear_problem(tmp_path: Path):
    text = write_text(tmp_path / "o.csv", [CANONICAL_HEADER])

    with pytest.raises(BadSourceOption) as caught, open_source(text, encoding="bogus"):
        pass

    assert str(caught.value) == (
        "unknown encoding 'bogus' (auto, utf-8, utf-16, latin-1, cp1252, ...)"
    )


def _damaged_copy(book: Path, target: Path, member: str, keep: int) -> Path:
    """`book` with `member` cut after `keep` bytes, as a broken download leaves it."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            copy.writestr(item, data[:keep] if item.filename == member else data)
    return target


def test_open_source_damaged_workbook_is_one_clear_problem(tmp_path: Path):
    rows = [
        CANONICAL_HEADER,
        *([f"SO-{n}", "Acme", "2026-11-01", "2026-11-20"] for n in range(300)),
    ]
    book = write_xlsx(tmp_path / "good.xlsx", {"Orders": rows})
    broken_book = _damaged_copy(book, tmp_path / "a.xlsx", "xl/workbook.xml", 50)
    broken_sheet = _damaged_copy(book, tmp_path / "b.xlsx", "xl/worksheets/sheet1.xml", 6000)

    with pytest.raises(SourceProblem) as at_open, open_source(broken_book):
        pass
    with pytest.raises(SourceProblem) as midway, open_source(broken_sheet) as source:
        list(source.records)

    assert "a.xlsx: cannot read the workbook" in str(at_open.value)
    assert "b.xlsx: row " in str(midway.value)
    assert "cannot read the workbook" in str(midway.value)


async def test_import_decimal_comma_reads_numbers_of_comma_decimal_locales(
    services: Services, tmp_path: Path
):
    header = [*CANONICAL_HEADER, "quantity", "value"]
    rows = [
        header,
        [*ROW, "1,250", "1.200,50"],
        ["SO-2", "B", "2026-11-01", "2026-11-20", "3", "9,9"],
    ]
    path = write_text(tmp_path / "export.csv", rows, delimiter=";")

    summary, problems, _ = await run_import(services, path, decimal_comma=True)

    assert (summary.created, problems) == (2, [])
    orders = await load_orders(services)
    assert (orders["SO-1"].quantity, orders["SO-1"].value) == (Decimal("1.250"), Decimal("1200.50"))
    assert orders["SO-2"].value == Decimal("9.90")


async def test_import_without_decimal_comma_rejects_comma_decimals_with_a_hint(
    services: Services, tmp_path: Path
):
    rows = [[*CANONICAL_HEADER, "value"], [*ROW, "9,9"]]
    path = write_text(tmp_path / "export.csv", rows, delimiter=";")

    summary, problems, _ = await run_import(services, path)

    assert summary.rejected == 1
    assert [p.reason for p in problems] == [
        "not a number: '9,9' (if commas are decimal separators in this file, pass --decimal-comma)"
    ]
