"""Job runs in progress, so that a stopping process lets them finish instead of cutting them off.

APScheduler's asyncio executor cancels running jobs on shutdown; a run cut off mid-way leaves
its claims to other processes only after their lease (bot.services.core.claims), and logs an error.
"""

from __future__ import annotations

import asyncio

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler


class RunningJobs:
    """Counts the scheduler's job runs that started and have not ended yet."""

    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()
        mask = EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        scheduler.add_listener(self._count, mask)

    @property
    def running(self) -> int:
        return self._running

    async def idle(self) -> None:
        """Return once no job is running."""
        await self._idle.wait()

    def _count(self, event: JobEvent) -> None:
        self._running += 1 if event.code == EVENT_JOB_SUBMITTED else -1
        self._running = max(self._running, 0)
        if self._running:
            self._idle.clear()
        else:
            self._idle.set()
