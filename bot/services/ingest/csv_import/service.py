"""The import use case: stream a CSV file or workbook into the database in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.ingest.csv_import.csv_source import SourceRecords
from bot.services.ingest.csv_import.rows import ImportOptions, RowProblem, RowReader
from bot.services.ingest.csv_import.seen_ids import SeenIds
from bot.services.ingest.csv_import.sources import open_source
from bot.services.ingest.order_writer import OrderChange, OrderInput, OrderWriter, Outcome
from storage.orders import queries
from storage.orders.tables import EventSource

ProblemSink = Callable[[RowProblem], None]
ChangeSink = Callable[[OrderChange], None]
ProgressSink = Callable[[int, int], None]


@dataclass(frozen=True)
class RepeatedId:
    """A row whose order id an earlier row of the same file already had."""

    line: int
    order_id: str
    first_line: int


RepeatSink = Callable[[RepeatedId], None]


def _ignore(*_: object) -> None:
    return None


@dataclass
class ImportSummary:
    """Counts of one import run."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    rejected: int = 0
    rows: int = 0  # records read below the header (blank rows are not records)
    repeated: int = 0  # rows whose order id an earlier row already had (applied in order)
    landed: bool = False
    encoding: str = ""
    delimiter: str = ""

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    @property
    def changed(self) -> int:
        return self.created + self.updated


@dataclass
class ImportSinks:
    """Where the import reports as it goes (the CLI prints, tests collect)."""

    problem: ProblemSink = _ignore
    change: ChangeSink = _ignore
    progress: ProgressSink = _ignore
    repeat: RepeatSink = _ignore


class ImportService:
    """Imports order files: valid rows land together in one transaction, or none do."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
    ) -> None:
        self._engine = engine
        self._sessions = sessions
        self._clock = clock

    async def import_csv(
        self, path: Path, options: ImportOptions, sinks: ImportSinks | None = None
    ) -> ImportSummary:
        """Read `path` and upsert its orders; a dry run or a strict run with problems rolls back."""
        sinks = sinks or ImportSinks()
        summary = ImportSummary()
        with open_source(path, options.encoding, options.delimiter, options.sheet) as source:
            summary.encoding, summary.delimiter = source.encoding, source.delimiter
            reader = RowReader(source.header, options, origin=path.name)
            async with self._sessions() as session:
                actor, now = f"import:{path.name}", self._clock()
                writer = OrderWriter(session, source=EventSource.IMPORT, actor=actor, now=now)
                await queries.prepare_bulk_write(session)
                await _stream(source, reader, _Batch(writer, summary, sinks), options)
                summary.landed = not options.dry_run and not (options.strict and summary.rejected)
                await (session.commit() if summary.landed else session.rollback())
        if summary.landed and summary.changed:
            await queries.refresh_statistics(self._engine)
        return summary


async def _stream(
    source: SourceRecords, reader: RowReader, batch: _Batch, options: ImportOptions
) -> None:
    summary, sinks = batch.summary, batch.sinks
    seen = SeenIds()  # about 25 MB for a million distinct order ids
    for line, cells in source.records:
        summary.rows += 1
        result = reader.read(line, cells)
        if isinstance(result, list):
            summary.rejected += 1
            for problem in result:
                sinks.problem(problem)
        else:
            first = seen.first_line(result.external_id, line)
            if first != line:
                summary.repeated += 1
                sinks.repeat(RepeatedId(line, result.external_id, first))
            if not (options.strict and summary.rejected):  # strict: keep checking, stop writing
                await batch.add(line, result, options.chunk_size)
        sinks.progress(source.position(), source.size)
    await batch.flush()
    sinks.progress(source.size, source.size)


class _Batch:
    """Collects inputs into chunks; an order id seen twice closes the chunk (later row wins)."""

    def __init__(self, writer: OrderWriter, summary: ImportSummary, sinks: ImportSinks) -> None:
        self._writer = writer
        self.summary = summary
        self.sinks = sinks
        self._pending: dict[str, tuple[int, OrderInput]] = {}

    async def add(self, line: int, item: OrderInput, size: int) -> None:
        if item.external_id in self._pending or len(self._pending) >= size:
            await self.flush()
        self._pending[item.external_id] = (line, item)

    async def flush(self) -> None:
        if not self._pending:
            return
        lines = [line for line, _ in self._pending.values()]
        results = await self._writer.apply([item for _, item in self._pending.values()])
        self._pending.clear()
        for line, change in zip(lines, results, strict=True):
            if change.outcome is Outcome.REJECTED:
                self.summary.rejected += 1
                self.sinks.problem(
                    RowProblem(line, "(row)", change.reason or "", change.external_id)
                )
                continue
            self.summary.count(change.outcome)
            if change.outcome is not Outcome.UNCHANGED:
                self.sinks.change(change)
