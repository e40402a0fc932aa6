"""`backlog-bot import FILE`: the CSV import's command line and its report."""

from __future__ import annotations

import asyncio
import csv
import sys
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Never

import click
from tqdm import tqdm

from bot.cli.common import load_settings
from bot.services.ingest.csv_import.csv_source import SourceProblem
from bot.services.ingest.csv_import.rows import ImportOptions, MappingProblem, RowProblem
from bot.services.ingest.csv_import.service import ImportSinks, ImportSummary
from bot.services.ingest.order_writer import OrderChange, Outcome
from bot.services.ingest.values import DateOrder, ValueProblem, parse_status
from bot.settings import Settings
from storage.orders.tables import OrderStatus

SHOWN = 20  # problems and dry-run changes printed one by one before switching to a summary
GROUPS = 10
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
@click.option("--encoding", default="auto", show_default=True, help="auto, utf-8 or latin-1.")
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
    dry_run: bool,
    strict: bool,
    report: Path | None,
) -> None:
    """Import orders from a CSV file (upsert by order_id; valid rows land in one transaction).

    Exit status: 0 every row landed, 3 some rows were rejected (the rest landed), 1 nothing
    landed (unreadable file, --strict with rejected rows), 2 bad options.
    """
    settings = load_settings()
    options = ImportOptions(
        mapping=_pairs("--map", maps),
        constants=_pairs("--set", sets),
        status_map=_statuses(statuses),
        date_order=DateOrder(date_order),
        timezone=settings.timezone,
        encoding=encoding,
        dry_run=dry_run,
        strict=strict,
    )
    with ExitStack() as stack:
        report_file = stack.enter_context(report.open("w", newline="")) if report else None
        printer = ImportPrinter(dry_run, report_file)
        try:
            summary = asyncio.run(_import(settings, file, options, printer))
        except (SourceProblem, MappingProblem) as exc:
            click.echo(f"backlog-bot import: {exc}", err=True)
            sys.exit(EXIT_FAILED)
        finally:
            printer.close()
    printer.finish(summary, file, strict)
    sys.exit(_exit(summary, strict))


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


class ImportPrinter:
    """Prints problems and dry-run changes as they come, then a summary; fills the report."""

    def __init__(self, dry_run: bool, report: IO[str] | None) -> None:
        self._dry_run = dry_run
        self._problems = 0
        self._changes = 0
        self._groups: Counter[tuple[str, str]] = Counter()
        self._first_line: dict[tuple[str, str], int] = {}
        self._report = csv.writer(report) if report else None
        if self._report:
            self._report.writerow(["line", "order_id", "outcome", "column", "detail"])
        self._bar: tqdm[Never] | None = None

    def sinks(self) -> ImportSinks:
        return ImportSinks(problem=self.problem, change=self.change, progress=self.progress)

    def problem(self, problem: RowProblem) -> None:
        self._problems += 1
        if self._problems <= SHOWN:
            self._echo(f"line {problem.line}: {problem.column}: {problem.reason}")
        key = (problem.column, problem.reason)
        if key in self._groups or len(self._groups) < 1000:  # bounded memory on huge files
            self._groups[key] += 1
            self._first_line.setdefault(key, problem.line)
        if self._report:
            row = [problem.line, problem.order_id or "", "rejected", problem.column, problem.reason]
            self._report.writerow(row)

    def change(self, change: OrderChange) -> None:
        self._changes += 1
        if self._dry_run and self._changes <= SHOWN:
            verb = _VERBS[change.outcome]
            self._echo(f"would {verb} {change.external_id}: {_describe(change)}")
        if self._report:
            outcome = change.outcome.value
            self._report.writerow(["", change.external_id, outcome, "", _describe(change)])

    def progress(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        bar = self._bar
        if bar is None:
            bar = self._bar = tqdm(
                total=total, unit="B", unit_scale=True, desc="import", leave=False
            )
        bar.update(done - bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def finish(self, summary: ImportSummary, file: Path, strict: bool) -> None:
        if self._problems > SHOWN:
            self._echo(f"... {self._problems - SHOWN} more problems; by column and reason:")
            for (column, reason), count in self._groups.most_common(GROUPS):
                first = self._first_line[(column, reason)]
                self._echo(f"  {count} x {column}: {reason} (first at line {first})")
        if self._dry_run and self._changes > SHOWN:
            self._echo(f"... and {self._changes - SHOWN} more changes (see --report FILE)")
        click.echo(summary_line(summary, file, dry_run=self._dry_run, strict=strict))

    def _echo(self, text: str) -> None:
        (self._bar.write if self._bar else lambda t: click.echo(t, err=True))(text)


def _describe(change: OrderChange) -> str:
    if change.outcome is Outcome.STALE:
        return change.reason or ""
    if change.created is not None:
        new = change.created
        keys = ("customer", "promised_date", "eta", "status")
        return ", ".join(f"{k} {new[k]}" for k in keys if new.get(k) is not None)
    return "; ".join(f"{c.field}: {c.old} -> {c.new}" for c in change.changes)


_VERBS = {Outcome.CREATED: "create", Outcome.UPDATED: "update", Outcome.STALE: "skip stale"}


def summary_line(summary: ImportSummary, file: Path, *, dry_run: bool, strict: bool) -> str:
    """One line: created, updated, unchanged, rejected and whether anything was written."""
    counts = (
        f"created {summary.created}, updated {summary.updated}, "
        f"unchanged {summary.unchanged + summary.stale}, rejected {summary.rejected}"
    )
    if summary.stale:
        counts += f" ({summary.stale} skipped as older than stored)"
    if dry_run:
        return f"{file.name}: dry run, nothing written: {counts}"
    if strict and summary.rejected:
        return f"{file.name}: --strict and rows were rejected, nothing written: {counts}"
    return f"{file.name}: {counts}"
