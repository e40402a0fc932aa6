"""Streaming CSV reading: encoding detection, any line ending, record line numbers."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.services.core.errors import BacklogError

if TYPE_CHECKING:
    from _csv import Reader as _reader

_SCAN_BLOCK = 1 << 20
# Product descriptions in ERP exports can be long; a runaway quote still fails fast.
csv.field_size_limit(1 << 20)


class SourceProblem(BacklogError, ValueError):
    """The file as a whole cannot be read (missing, empty, broken quoting, bad header)."""


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when every byte decodes as UTF-8, otherwise Latin-1."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as raw:
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
class CsvRecords:
    """An open CSV file: its header and an iterator of (first line number, cells)."""

    header: list[str]
    records: Iterator[tuple[int, list[str]]]
    encoding: str
    size: int
    _counter: _CountingReader

    @property
    def bytes_read(self) -> int:
        return self._counter.consumed


@contextmanager
def open_csv(path: Path, encoding: str = "auto") -> Iterator[CsvRecords]:
    """Open `path` for streaming; the header row is read and checked."""
    if not path.is_file():
        raise SourceProblem(f"{path}: no such file")
    chosen = detect_encoding(path) if encoding == "auto" else encoding
    with path.open("rb") as raw:
        counter = _CountingReader(raw)
        # newline="" lets the csv module see CR, LF and CRLF line ends and quoted newlines.
        text = io.TextIOWrapper(io.BufferedReader(counter), encoding=chosen, newline="")
        reader = csv.reader(text)
        header = _read_header(reader, path)
        yield CsvRecords(header, _records(reader, path), chosen, path.stat().st_size, counter)


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
