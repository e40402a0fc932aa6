"""`backlog-bot import FILE`: the import's command line (CSV, delimited text, .xlsx)."""

from __future__ import annotations

import asyncio
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import NoReturn

import click

from bot.cli.common import load_settings
from bot.cli.import_report import ImportPrinter
from bot.services.ingest.csv_import.csv_source import check_encoding
from bot.services.ingest.csv_import.file_kind import OptionProblem, SourceProblem
from bot.services.ingest.csv_import.rows import ImportOptions, MappingProblem
from bot.services.ingest.csv_import.service import ImportSummary
from bot.services.ingest.values import DateOrder, ValueProblem, parse_status
from bot.settings import Settings
from storage.orders.tables import OrderStatus

_DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3


def _pairs(option: str, values: tuple[str, ...]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint=option)
        pairs[key.strip()] = rest.strip()
    return pairs


def _statuses(values: tuple[str, ...]) -> dict[str, OrderStatus]:
    try:
        return {k: parse_status(v, {}) for k, v in _pairs("--status", values).items()}
    except ValueProblem as exc:
        raise click.BadParameter(str(exc), param_hint="--status") from None


def _encoding(_: click.Context, __: click.Parameter, value: str) -> str:
    if value == "auto":
        return value
    try:
        return check_encoding(value)
    except SourceProblem as exc:
        raise click.BadParameter(str(exc)) from None


def _delimiter(_: click.Context, __: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    chosen = _DELIMITER_NAMES.get(value.lower(), value)
    if len(chosen) != 1 or chosen in '"\r\n' or chosen.isalnum():
        raise click.BadParameter(f"{value!r} is not one delimiter character: use , ; | or tab")
    return chosen


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Read FIELD from COLUMN."
)
@click.option(
    "--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Use VALUE for every row."
)
@click.option(
    "--status", "statuses", multiple=True, metavar="VALUE=STATUS", help="Map an export's status."
)
@click.option(
    "--date-order",
    type=click.Choice([o.value for o in DateOrder]),
    default=DateOrder.MDY.value,
    show_default=True,
    help="How to read numeric dates such as 06/02/2006.",
)
@click.option(
    "--encoding",
    default="auto",
    show_default=True,
    callback=_encoding,
    help="auto, utf-8, utf-16, latin-1 or cp1252 (any Python codec name); text files only.",
)
@click.option(
    "--delimiter",
    callback=_delimiter,
    metavar="CHAR",
    help=", ; | or tab (default: detected from the header row); text files only.",
)
@click.option("--sheet", metavar="NAME", help="The workbook's sheet to read (default: the first).")
@click.option(
    "--decimal-comma",
    is_flag=True,
    help="Numbers use a decimal comma (1.200,50 and 12,5), as exports of many locales do.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--strict", is_flag=True, help="Write nothing if any row is rejected.")
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every rejected row and every change to this CSV file.",
)
def import_command(
    file: Path,
    maps: tuple[str, ...],
    sets: tuple[str, ...],
    statuses: tuple[str, ...],
    date_order: str,
    encoding: str,
    delimiter: str | None,
    sheet: str | None,
    decimal_comma: bool,
    dry_run: bool,
    strict: bool,
    report: Path | None,
) -> None:
    """Import orders from a CSV, delimited text or .xlsx file (upsert by order_id; valid rows
    land in one transaction).

    Exit status: 0 every row landed, 3 some rows were rejected (the rest landed), 1 nothing
    landed (unreadable file, no rows, --strict with rejected rows), 2 bad options.
    """
    settings = load_settings()
    options = ImportOptions(
        mapping=_pairs("--map", maps),
        constants=_pairs("--set", sets),
        status_map=_statuses(statuses),
        date_order=DateOrder(date_order),
        timezone=settings.timezone,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        decimal_comma=decimal_comma,
        dry_run=dry_run,
        strict=strict,
    )
    with ExitStack() as stack:
        report_file = stack.enter_context(report.open("w", newline="")) if report else None
        printer = ImportPrinter(dry_run, report_file)
        try:
            summary = asyncio.run(_import(settings, file, options, printer))
        except OptionProblem as exc:
            _fail(str(exc), EXIT_USAGE)
        except (SourceProblem, MappingProblem) as exc:
            _fail(str(exc), EXIT_FAILED)
        finally:
            printer.close()
    if not summary.rows:
        _fail(f"{file}: no rows below the header row; nothing to import", EXIT_FAILED)
    printer.finish(summary, file, strict)
    sys.exit(_exit(summary, strict))


def _fail(reason: str, status: int) -> NoReturn:
    click.echo(f"backlog-bot import: {reason}", err=True)
    sys.exit(status)


def _exit(summary: ImportSummary, strict: bool) -> int:
    if strict and summary.rejected:
        return EXIT_FAILED
    return EXIT_REJECTED if summary.rejected else EXIT_OK


async def _import(
    settings: Settings, file: Path, options: ImportOptions, printer: ImportPrinter
) -> ImportSummary:
    from bot.bootstrap.from_settings import services_from

    services = services_from(settings)
    try:
        await services.migrate()
        return await services.importer.import_csv(file, options, printer.sinks())
    finally:
        await services.close()
