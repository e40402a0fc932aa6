"""Streaming CSV reading: encoding and delimiter detection, any line ending, line numbers."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.services.ingest.csv_import.file_kind import UTF16_BOMS, BadSourceOption, SourceProblem

if TYPE_CHECKING:
    from _csv import Reader as _reader

_SCAN_BLOCK = 1 << 20
# Product descriptions in ERP exports can be long; a runaway quote still fails fast.
csv.field_size_limit(1 << 20)


DELIMITERS = ",;\t|"  # what Excel and ERP exports use; sniffing picks among these only
_HEADER_SAMPLE = 1 << 16


def detect_encoding(path: Path) -> str:
    """UTF-16 by its byte-order mark (Excel's "Unicode text"); UTF-8 (with or without BOM)
    when every byte decodes as UTF-8; otherwise Latin-1."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as raw:
        if raw.read(2) in UTF16_BOMS:
            return "utf-16"
        raw.seek(0)
        try:
            while block := raw.read(_SCAN_BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "latin-1"
    return "utf-8-sig"


class _CountingReader(io.RawIOBase):
    """Counts the bytes handed to the text layer, for a progress bar over the file size."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw = raw
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = self._raw.readinto(buffer)
        self.consumed += count
        return count


@dataclass
class SourceRecords:
    """An open file (CSV or workbook): its header and an iterator of (line number, cells).

    `position()` is how far the reading got, in bytes of `size` (estimated for workbooks).
    `encoding` and `delimiter` say how a text file was read ("" for a workbook).
    """

    header: list[str]
    records: Iterator[tuple[int, list[str]]]
    size: int
    position: Callable[[], int]
    encoding: str = ""
    delimiter: str = ""


def check_encoding(encoding: str) -> str:
    """The codec's name, or SourceProblem for a name Python does not know."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise BadSourceOption(
            f"unknown encoding {encoding!r} (auto, utf-8, utf-16, latin-1, cp1252, ...)"
        ) from None


@contextmanager
def open_csv(
    path: Path, encoding: str = "auto", delimiter: str | None = None
) -> Iterator[SourceRecords]:
    """Open `path` for streaming; the header row is read and checked."""
    if not path.is_file():
        raise SourceProblem(f"{path}: no such file")
    chosen = detect_encoding(path) if encoding == "auto" else check_encoding(encoding)
    separator = delimiter or sniff_delimiter(path, chosen)
    with path.open("rb") as raw:
        counter = _CountingReader(raw)
        # newline="" lets the csv module see CR, LF and CRLF line ends and quoted newlines.
        text = io.TextIOWrapper(io.BufferedReader(counter), encoding=chosen, newline="")
        reader = csv.reader(text, delimiter=separator)
        header = _read_header(reader, path)
        records = _records(reader, path)
        size = path.stat().st_size
        yield SourceRecords(header, records, size, lambda: counter.consumed, chosen, separator)


def sniff_delimiter(path: Path, encoding: str) -> str:
    """The header row's delimiter among DELIMITERS (csv.Sniffer); a comma when unclear."""
    with path.open(encoding=encoding, errors="replace", newline="") as text:
        sample = text.read(_HEADER_SAMPLE)
    lines = sample.lstrip("\ufeff").splitlines()
    header = lines[0] if lines else ""
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:  # one column, or no candidate stands out
        return ","


def _read_header(reader: _reader, path: Path) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise SourceProblem(f"{path}: the file is empty (expected a header row)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise SourceProblem(f"{path}: cannot read the header row ({exc})") from exc
    names = [name.strip().lstrip("\ufeff") for name in header]
    if not any(names):
        raise SourceProblem(f"{path}: the first row is blank (expected a header row)")
    return names


def _records(reader: _reader, path: Path) -> Iterator[tuple[int, list[str]]]:
    last_line = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SourceProblem(f"{path}: line {last_line + 1}: {exc}") from exc
        first_line, last_line = last_line + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield first_line, cells
