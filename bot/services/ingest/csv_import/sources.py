"""Open any importable file: CSV or other delimited text, or an .xlsx workbook."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.services.ingest.csv_import.csv_source import SourceRecords, open_csv
from bot.services.ingest.csv_import.file_kind import BadSourceOption, FileKind, file_kind


@contextmanager
def open_source(
    path: Path, encoding: str = "auto", delimiter: str | None = None, sheet: str | None = None
) -> Iterator[SourceRecords]:
    """The file's header and records, whatever its kind (told by its content, not its name)."""
    if file_kind(path) is FileKind.XLSX:
        # openpyxl costs about 13 MB and half a second to import: only workbooks pay for it,
        # not every CSV import nor every `backlog-bot run` process.
        from bot.services.ingest.csv_import.xlsx_source import open_xlsx

        with open_xlsx(path, sheet) as source:
            yield source
        return
    if sheet is not None:
        raise BadSourceOption(f"{path}: --sheet is for .xlsx workbooks; this is a text file")
    with open_csv(path, encoding, delimiter) as source:
        yield source
