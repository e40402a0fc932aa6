"""Logging of `backlog-bot run`: text or one JSON object per line; no per-run scheduler chatter."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.cli.logs import configure_logging


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in ("apscheduler", "uvicorn.access")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, previous in quiet.items():
        logging.getLogger(name).setLevel(previous)


def test_json_log_format_writes_one_object_per_line_with_the_extra_fields(
    capsys: pytest.CaptureFixture[str],
):
    configure_logging("INFO", "json")

    logging.getLogger("bot.access").info("slack command", extra={"status": 200, "ms": 1.5})
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("bot.slack").exception("listener failed")

    lines = capsys.readouterr().err.splitlines()
    first, second = (json.loads(line) for line in lines)
    assert len(lines) == 2
    assert first["level"] == "INFO"
    assert first["logger"] == "bot.access"
    assert (first["message"], first["status"], first["ms"]) == ("slack command", 200, 1.5)
    assert first["time"].endswith("+00:00")
    assert second["level"] == "ERROR"
    assert "ValueError: boom" in second["exception"]


def test_text_log_format_is_one_readable_line(capsys: pytest.CaptureFixture[str]):
    configure_logging("INFO", "text")

    logging.getLogger("bot.cli.serve").info("stopped")

    assert capsys.readouterr().err.rstrip().endswith("INFO bot.cli.serve: stopped")


async def _run_a_scheduled_job_twice() -> None:
    ran = asyncio.Event()
    runs: list[int] = []

    def job() -> None:
        runs.append(1)
        if len(runs) == 2:
            ran.set()

    scheduler = AsyncIOScheduler()
    scheduler.add_job(job, "interval", seconds=0.05, id="tick")
    scheduler.start()
    try:
        async with asyncio.timeout(5):
            await ran.wait()
    finally:
        scheduler.shutdown(wait=False)


async def test_scheduler_per_run_chatter_is_off_at_info(capsys: pytest.CaptureFixture[str]):
    configure_logging("INFO", "text")

    await _run_a_scheduled_job_twice()

    err = capsys.readouterr().err
    assert "Running job" not in err
    assert "executed successfully" not in err


async def test_scheduler_per_run_chatter_shows_at_debug(capsys: pytest.CaptureFixture[str]):
    configure_logging("DEBUG", "text")

    await _run_a_scheduled_job_twice()

    assert "Running job" in capsys.readouterr().err
