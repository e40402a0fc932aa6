"""RunningJobs: a stopping process can wait for the job runs in progress."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobs.core.running import RunningJobs


async def test_running_jobs_are_counted_until_they_end_even_when_they_fail():
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs = RunningJobs(scheduler)
    release, started = asyncio.Event(), asyncio.Event()

    async def slow() -> None:
        started.set()
        await release.wait()

    async def broken() -> None:
        await release.wait()
        raise RuntimeError("upstream down")

    scheduler.start()
    try:
        for job in (slow, broken):
            scheduler.add_job(job, "date", run_date=datetime.now(UTC))
        async with asyncio.timeout(5):
            await started.wait()
            while jobs.running < 2:  # noqa: ASYNC110 - the broken job starts right after
                await asyncio.sleep(0.01)
        waiting = asyncio.create_task(jobs.idle())
        await asyncio.sleep(0.05)
        idle_while_running = waiting.done()
        release.set()
        await asyncio.wait_for(waiting, 5)
    finally:
        scheduler.shutdown(wait=False)

    assert idle_while_running is False
    assert jobs.running == 0


async def test_running_jobs_idle_at_once_when_nothing_runs():
    jobs = RunningJobs(AsyncIOScheduler(timezone=UTC))

    await asyncio.wait_for(jobs.idle(), 1)

    assert jobs.running == 0
