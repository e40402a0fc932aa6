"""Files as Excel and ERPs export them: delimited text, UTF-16 "Unicode text", .xlsx."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook


def write_text(
    path: Path,
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\n",
) -> Path:
    """Rows joined by `delimiter` (no quoting: the tests choose cells without delimiters)."""
    text = "".join(delimiter.join(row) + newline for row in rows)
    if encoding == "utf-16-be":  # Python writes a BOM only for "utf-16" (little-endian here)
        path.write_bytes("\ufeff".encode(encoding) + text.encode(encoding))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, Iterable[Sequence[Any]]]) -> Path:
    """A workbook with one sheet per entry (the first entry is the first sheet)."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path
