"""Every hour: forget Slack event receipts Slack can no longer redeliver."""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services.core.event_receipts import EventReceipts

PURGE_MINUTES = 60


async def purge_receipts(receipts: EventReceipts) -> None:
    """One purge; every process runs it, and deleting what another deleted is harmless."""
    await receipts.purge()


def schedule_receipt_purge(
    scheduler: AsyncIOScheduler, receipts: EventReceipts, now: datetime
) -> None:
    """Purge an hour after start-up and every hour after that."""
    scheduler.add_job(
        purge_receipts,
        "interval",
        args=[receipts],
        minutes=PURGE_MINUTES,
        next_run_time=now + timedelta(minutes=PURGE_MINUTES),
        id="event-receipts",
        coalesce=True,
        max_instances=1,
    )
