"""What `backlog-bot import` prints as it goes: problems, repeats, changes, progress, summary."""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Never

import click
from tqdm import tqdm

from bot.services.ingest.csv_import.rows import RowProblem
from bot.services.ingest.csv_import.service import ImportSinks, ImportSummary, RepeatedId
from bot.services.ingest.order_writer import OrderChange, Outcome

SHOWN = 20  # problems, repeats and dry-run changes printed one by one before a summary
GROUPS = 10
# Without a terminal (cron, CI, a pipe) a line this often shows the import is alive.
PROGRESS_SECONDS = 5.0


class ImportPrinter:
    """Prints problems and dry-run changes as they come, then a summary; fills the report."""

    def __init__(
        self,
        dry_run: bool,
        report: IO[str] | None,
        *,
        terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        err: IO[str] | None = None,
    ) -> None:
        self._dry_run = dry_run
        self._problems = 0
        self._changes = 0
        self._repeats = 0
        self._groups: Counter[tuple[str, str]] = Counter()
        self._first_line: dict[tuple[str, str], int] = {}
        self._report = csv.writer(report) if report else None
        if self._report:
            self._report.writerow(["line", "order_id", "outcome", "column", "detail"])
        self._bar: tqdm[Never] | None = None
        self._err = err
        self._terminal = sys.stderr.isatty() if terminal is None else terminal
        self._clock = clock
        self._started = clock()
        self._next_line = self._started + PROGRESS_SECONDS

    def sinks(self) -> ImportSinks:
        return ImportSinks(
            problem=self.problem, change=self.change, progress=self.progress, repeat=self.repeat
        )

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

    def repeat(self, repeat: RepeatedId) -> None:
        self._repeats += 1
        detail = f"repeats line {repeat.first_line}"
        if self._repeats <= SHOWN:
            self._echo(
                f"line {repeat.line}: order_id {repeat.order_id} {detail} "
                "(rows are applied in file order: the later row wins)"
            )
        if self._report:
            self._report.writerow([repeat.line, repeat.order_id, "repeated", "order_id", detail])

    def change(self, change: OrderChange) -> None:
        self._changes += 1
        if self._dry_run and self._changes <= SHOWN:
            verb = _VERBS[change.outcome]
            self._echo(f"would {verb} {change.external_id}: {_describe(change)}")
        if self._report:
            outcome = change.outcome.value
            self._report.writerow(["", change.external_id, outcome, "", _describe(change)])

    def progress(self, done: int, total: int) -> None:
        if not self._terminal:
            self._progress_line(done, total)
            return
        bar = self._bar
        if bar is None:
            bar = self._bar = tqdm(
                total=total, unit="B", unit_scale=True, desc="import", leave=False
            )
        bar.update(done - bar.n)

    def _progress_line(self, done: int, total: int) -> None:
        now = self._clock()
        if now < self._next_line or done >= total:
            return
        self._next_line = now + PROGRESS_SECONDS
        share = 100 * done // total if total else 0
        elapsed = round(now - self._started)
        self._echo(f"import: {share}% ({_mb(done)} of {_mb(total)} MB) after {elapsed} s")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def finish(self, summary: ImportSummary, file: Path, strict: bool) -> None:
        if self._problems > SHOWN:
            self._echo(f"... {self._problems - SHOWN} more problems; by column and reason:")
            for (column, reason), count in self._groups.most_common(GROUPS):
                first = self._first_line[(column, reason)]
                self._echo(f"  {count} x {column}: {reason} (first at line {first})")
        if self._repeats > SHOWN:
            self._echo(f"... and {self._repeats - SHOWN} more rows repeat an earlier order id")
        if self._dry_run and self._changes > SHOWN:
            self._echo(f"... and {self._changes - SHOWN} more changes (see --report FILE)")
        click.echo(summary_line(summary, file, dry_run=self._dry_run, strict=strict))

    def _echo(self, text: str) -> None:
        if self._bar is not None:
            self._bar.write(text)
        else:
            click.echo(text, err=True, file=self._err)


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f}"


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
    if summary.repeated:
        counts += f"; {summary.repeated} row(s) repeat an earlier order id (the later row wins)"
    if dry_run:
        return f"{file.name}: dry run, nothing written: {counts}"
    if strict and summary.rejected:
        return f"{file.name}: --strict and rows were rejected, nothing written: {counts}"
    return f"{file.name}: {counts}"
