"""`backlog-bot import` as a user runs it on the files teams have: what it prints and its exit
status (0 every row landed, 3 some rejected, 1 nothing landed, 2 bad options)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.bootstrap.container import Services
from storage.orders import queries
from tests.conftest import Database
from tests.kit.cli import child_env, run_cli
from tests.kit.common import CANONICAL_HEADER, order_row, write_csv
from tests.kit.files import write_text, write_xlsx

ROW = ["SO-1", "Acme", "2026-11-01", "2026-11-20"]


def _scratch_env(tmp_path: Path) -> dict[str, str]:
    """For commands that must stop before writing: a throwaway SQLite file."""
    return child_env(DATABASE_URL=f"sqlite:///{tmp_path / 'scratch.db'}")


async def _count(services: Services) -> int:
    async with services.sessions() as session:
        return await queries.count_orders(session)


async def test_import_semicolon_utf16_and_xlsx_exports_land_like_csv(
    services: Services, database: Database, tmp_path: Path
):
    semicolons = write_text(tmp_path / "erp.csv", [CANONICAL_HEADER, ROW], delimiter=";")
    unicode_text = write_text(
        tmp_path / "excel.txt",
        [CANONICAL_HEADER, ["SO-2", "Zürich", "2026-11-01", "2026-11-20"]],
        delimiter="\t",
        encoding="utf-16",
        newline="\r\n",
    )
    book = write_xlsx(
        tmp_path / "book.xlsx",
        {"Sheet1": [CANONICAL_HEADER, [3, "Globex", datetime(2026, 11, 1), date(2026, 11, 20)]]},
    )
    env = child_env(database)

    results = [
        await run_cli("import", str(p), env=env, cwd=tmp_path)
        for p in (semicolons, unicode_text, book)
    ]

    assert [(r.code, r.stdout, r.problems) for r in results] == [
        (0, "erp.csv: created 1, updated 0, unchanged 0, rejected 0\n", ""),
        (0, "excel.txt: created 1, updated 0, unchanged 0, rejected 0\n", ""),
        (0, "book.xlsx: created 1, updated 0, unchanged 0, rejected 0\n", ""),
    ]
    assert await _count(services) == 3


async def test_import_delimiter_and_sheet_options(
    services: Services, database: Database, tmp_path: Path
):
    one_column = write_text(tmp_path / "o.txt", [[";".join(CANONICAL_HEADER)], [";".join(ROW)]])
    book = write_xlsx(tmp_path / "b.xlsx", {"Totals": [["n", 1]], "Open": [CANONICAL_HEADER, ROW]})
    env = child_env(database)

    by_delimiter = await run_cli(
        "import", str(one_column), "--delimiter", ";", env=env, cwd=tmp_path
    )
    by_sheet = await run_cli("import", str(book), "--sheet", "Open", env=env, cwd=tmp_path)

    assert (by_delimiter.code, by_sheet.code) == (0, 0)
    assert by_delimiter.stdout == "o.txt: created 1, updated 0, unchanged 0, rejected 0\n"
    assert by_sheet.stdout == "b.xlsx: created 0, updated 0, unchanged 1, rejected 0\n"


@pytest.mark.parametrize(
    ("name", "content", "looks_like"),
    [
        ("orders.pdf", b"%PDF-1.4\n%\xe2\xe3", "looks like a PDF document"),
        ("orders.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "looks like a PNG image"),
        ("orders.csv", b"order_id,customer\x00\x00\x01", "contains NUL bytes"),
    ],
)
async def test_import_binary_file_is_one_line_saying_what_it_looks_like(
    tmp_path: Path, name: str, content: bytes, looks_like: str
):
    path = tmp_path / name
    path.write_bytes(content)

    result = await run_cli("import", str(path), env=_scratch_env(tmp_path), cwd=tmp_path)

    assert result.code == 1
    [line] = result.problems.splitlines()
    assert line.startswith(f"backlog-bot import: {path}: ")
    assert looks_like in line
    assert result.stdout == ""


async def test_import_zip_that_is_not_a_workbook_says_so(tmp_path: Path):
    path = tmp_path / "orders.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("orders.csv", "order_id\n1\n")

    result = await run_cli("import", str(path), env=_scratch_env(tmp_path), cwd=tmp_path)

    assert (result.code, result.problems) == (
        1,
        f"backlog-bot import: {path}: looks like a ZIP archive, "
        "not a CSV or text file nor an .xlsx workbook\n",
    )


async def test_import_unknown_encoding_exits_2_without_a_traceback(tmp_path: Path):
    path = write_csv(tmp_path / "o.csv", [order_row()])

    result = await run_cli(
        "import", str(path), "--encoding", "bogus", env=_scratch_env(tmp_path), cwd=tmp_path
    )

    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--encoding': "
        "unknown encoding 'bogus' (auto, utf-8, utf-16, latin-1, cp1252, ...)"
    )


async def test_import_help_lists_utf16_and_the_new_options(tmp_path: Path):
    result = await run_cli("import", "--help", env=_scratch_env(tmp_path), cwd=tmp_path)

    assert result.code == 0
    assert "utf-16" in result.stdout
    assert "--delimiter CHAR" in result.stdout and "--sheet NAME" in result.stdout
    assert "--decimal-comma" in result.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--map", "colour=ID"],
            "backlog-bot import: unknown field 'colour'; fields are: order_id, customer,",
        ),
        (
            ["--set", "currency=$"],
            "backlog-bot import: --set currency=$: currency must be a 3-letter ISO code",
        ),
        (
            ["--map", "order_id=PO"],
            "backlog-bot import: --map order_id=PO: no column 'PO'; the columns are: order_id,",
        ),
        (
            ["--map", "team=order_id", "--set", "team=emea"],
            "backlog-bot import: team: give either --map or --set, not both",
        ),
        (["--sheet", "Orders"], "--sheet is for .xlsx workbooks; this is a text file"),
        (["--delimiter", "ab"], "'ab' is not one delimiter character: use , ; | or tab"),
    ],
)
async def test_import_bad_map_set_and_reading_options_exit_2(
    tmp_path: Path, options: list[str], message: str
):
    path = write_csv(tmp_path / "o.csv", [order_row()])

    result = await run_cli("import", str(path), *options, env=_scratch_env(tmp_path), cwd=tmp_path)

    assert result.code == 2
    assert message in result.stderr
    assert result.stdout == ""


async def test_import_header_only_file_says_no_rows_and_exits_1(
    services: Services, database: Database, tmp_path: Path
):
    path = write_text(tmp_path / "empty-export.csv", [CANONICAL_HEADER, ["", "", "", ""]])

    result = await run_cli("import", str(path), env=child_env(database), cwd=tmp_path)

    assert (result.code, result.stdout) == (1, "")
    assert result.problems == (
        f"backlog-bot import: {path}: no rows below the header row; nothing to import\n"
    )
    assert await _count(services) == 0


async def test_import_repeated_order_ids_are_named_in_the_output_and_the_report(
    services: Services, database: Database, tmp_path: Path
):
    rows = [order_row(team="a"), order_row(order_id="SO-2"), order_row(team="b")]
    path = write_csv(tmp_path / "o.csv", rows)
    report = tmp_path / "report.csv"

    result = await run_cli(
        "import", str(path), "--report", str(report), env=child_env(database), cwd=tmp_path
    )

    assert result.code == 0
    assert result.problems == (
        "line 4: order_id SO-1001 repeats line 2 "
        "(rows are applied in file order: the later row wins)\n"
    )
    assert result.stdout == (
        "o.csv: created 2, updated 1, unchanged 0, rejected 0; "
        "1 row(s) repeat an earlier order id (the later row wins)\n"
    )
    assert "4,SO-1001,repeated,order_id,repeats line 2" in report.read_text().splitlines()
    assert await _count(services) == 2
