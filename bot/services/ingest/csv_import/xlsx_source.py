"""Streaming .xlsx reading (openpyxl read-only mode): cells become the text a CSV would hold."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from bot.services.ingest.csv_import.csv_source import SourceRecords
from bot.services.ingest.csv_import.file_kind import BadSourceOption, SourceProblem

# What openpyxl raises on a workbook whose XML or zip members are broken.
_BROKEN = (InvalidFileException, zipfile.BadZipFile, ParseError, KeyError, ValueError, OSError)


@contextmanager
def open_xlsx(path: Path, sheet: str | None = None) -> Iterator[SourceRecords]:
    """Open the first sheet (or `sheet`) of a workbook; row numbers are the sheet's rows."""
    try:
        # read_only streams the sheet's XML row by row; data_only gives formulas' cached values.
        book = load_workbook(path, read_only=True, data_only=True)
    except _BROKEN as exc:
        raise SourceProblem(f"{path}: cannot read the workbook ({exc})") from exc
    try:
        try:
            source = _records_of(book, path, sheet)
        except SourceProblem:  # a ValueError too, but already says what is wrong
            raise
        except _BROKEN as exc:
            raise SourceProblem(f"{path}: cannot read the workbook ({exc})") from exc
        yield source
    finally:
        book.close()


def _records_of(book: Workbook, path: Path, sheet: str | None) -> SourceRecords:
    names = [worksheet.title for worksheet in book.worksheets]  # not chart sheets
    if not names:
        raise SourceProblem(f"{path}: the workbook has no worksheet")
    if sheet is not None and sheet not in names:
        raise BadSourceOption(
            f"{path}: no sheet {sheet!r} (--sheet); the sheets are: {', '.join(names)}"
        )
    worksheet = book.worksheets[names.index(sheet) if sheet is not None else 0]
    rows = worksheet.iter_rows(values_only=True)
    try:
        header = [cell_text(value) for value in next(rows)]
    except StopIteration:
        raise SourceProblem(f"{path}: the sheet {worksheet.title!r} is empty") from None
    if not any(header):
        raise SourceProblem(f"{path}: the first row is blank (expected a header row)")
    size = path.stat().st_size
    progress = _Progress(size, worksheet.max_row)
    records = _records(rows, progress, path)
    return SourceRecords(header, records, size, progress.position)


class _Progress:
    """Rows read so far as a share of the file's bytes (the sheet states its row count)."""

    def __init__(self, size: int, rows: int | None) -> None:
        self._size = size
        self._rows = rows or 0
        self.row = 1

    def position(self) -> int:
        if not self._rows:
            return 0
        return min(self._size, self._size * self.row // self._rows)


def _records(
    rows: Iterator[tuple[Any, ...]], progress: _Progress, path: Path
) -> Iterator[tuple[int, list[str]]]:
    line = 1
    try:
        for line, values in enumerate(rows, start=2):
            progress.row = line
            cells = [cell_text(value) for value in values]
            if any(cells):
                yield line, cells
    except _BROKEN as exc:  # the sheet's XML is streamed: damage shows up mid-way
        raise SourceProblem(f"{path}: row {line + 1}: cannot read the workbook ({exc})") from exc


def cell_text(value: Any) -> str:
    """A cell's value as the importer's parsers read text: dates ISO, numbers in full."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()  # Excel stores a date as midnight
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # 4711.0 is the order number 4711; repr keeps 0.1 as 0.1, "f" avoids 1e-05.
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    return str(value).strip()
