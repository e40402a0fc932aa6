"""The import's output without a terminal (cron, CI, a pipe): a progress line every few
seconds instead of a progress bar, so a long import is never silent."""

from __future__ import annotations

import io

from bot.cli.import_report import PROGRESS_SECONDS, ImportPrinter


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_without_a_terminal_is_a_line_every_few_seconds():
    ticks, err = Ticks(), io.StringIO()
    printer = ImportPrinter(False, None, terminal=False, clock=ticks, err=err)
    total = 50_000_000

    for second in range(1, 13):  # a 50 MB file read at 2 MB per second, 12 seconds
        ticks.now = 100.0 + second
        for step in range(10):
            printer.progress(second * 2_000_000 + step * 100, total)
    printer.progress(total, total)

    assert PROGRESS_SECONDS == 5.0
    assert err.getvalue().splitlines() == [
        "import: 20% (10.0 of 50.0 MB) after 5 s",
        "import: 40% (20.0 of 50.0 MB) after 10 s",
    ]


def test_progress_of_a_quick_import_prints_nothing():
    ticks, err = Ticks(), io.StringIO()
    printer = ImportPrinter(False, None, terminal=False, clock=ticks, err=err)

    ticks.now += 1
    printer.progress(500, 1000)
    printer.progress(1000, 1000)

    assert err.getvalue() == ""
