"""What a file to import is, from its first bytes: text, an .xlsx workbook, or something else."""

from __future__ import annotations

import zipfile
from enum import StrEnum
from pathlib import Path

from bot.services.core.errors import BacklogError

_SAMPLE = 8192
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Magic numbers of files people pick by mistake; the message says what the file looks like.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 .xls (or other old Office) file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
)
_WANTED = "not a CSV or text file nor an .xlsx workbook"
_SAVE_AS = "; save it as .xlsx or CSV"
_HINTS = {"an Excel 97-2003 .xls (or other old Office) file": _SAVE_AS}


class SourceProblem(BacklogError, ValueError):
    """The file as a whole cannot be read (missing, empty, broken quoting, bad header)."""


class OptionProblem(BacklogError, ValueError):
    """An option (--map, --set, --sheet, --encoding, --delimiter) that cannot be used as given."""


class BadSourceOption(SourceProblem, OptionProblem):
    """An option about reading the file that does not fit it (--sheet, --encoding)."""


class FileKind(StrEnum):
    """How to read a file."""

    TEXT = "text"
    XLSX = "xlsx"


def file_kind(path: Path) -> FileKind:
    """TEXT or XLSX; SourceProblem saying what the file looks like when it is neither."""
    if not path.is_file():
        raise SourceProblem(f"{path}: no such file")
    with path.open("rb") as raw:
        head = raw.read(_SAMPLE)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise SourceProblem(f"{path}: looks like {what}, {_WANTED}{_HINTS.get(what, '')}")
    if b"\x00" in head and not head.startswith(UTF16_BOMS):
        raise SourceProblem(
            f"{path}: contains NUL bytes, so it looks like a binary file, {_WANTED} "
            "(UTF-16 text without a byte-order mark: pass --encoding utf-16)"
        )
    return FileKind.TEXT


def _zip_kind(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise SourceProblem(f"{path}: looks like a damaged ZIP archive, {_WANTED}") from None
    if "xl/workbook.xml" in names:
        return FileKind.XLSX
    what, hint = "a ZIP archive", ""
    if "word/document.xml" in names:
        what = "a Word document (.docx)"
    elif "content.xml" in names:
        what, hint = "an OpenDocument file (.ods)", _SAVE_AS
    elif "xl/workbook.bin" in names:
        what, hint = "an Excel binary workbook (.xlsb)", _SAVE_AS
    raise SourceProblem(f"{path}: looks like {what}, {_WANTED}{hint}")
