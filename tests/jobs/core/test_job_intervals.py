"""How `backlog-bot run` schedules the alerts and event-receipt jobs."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap.container import Services
from bot.jobs.alerts.alert_job import INTERVAL_SECONDS, schedule_alerts
from bot.jobs.core.receipt_purge import PURGE_MINUTES, purge_receipts, schedule_receipt_purge
from bot.sandbox.web_api import FakeSlack
from tests.kit.alerts import alert_job
from tests.kit.common import FixedClock


async def test_alerts_run_at_start_then_every_configured_interval(
    services: Services, fake_slack: FakeSlack, clock: FixedClock
):
    scheduler = AsyncIOScheduler()
    async with alert_job(services, fake_slack) as job:
        schedule_alerts(scheduler, job, clock(), seconds=2)
        default = AsyncIOScheduler()
        schedule_alerts(default, job, clock())

    [scheduled] = scheduler.get_jobs()
    assert scheduled.trigger.interval == timedelta(seconds=2)
    assert scheduled.next_run_time == clock()
    assert default.get_jobs()[0].trigger.interval == timedelta(seconds=INTERVAL_SECONDS)


async def test_event_receipts_are_purged_hourly_from_an_hour_after_start(
    services: Services, clock: FixedClock
):
    scheduler = AsyncIOScheduler()

    schedule_receipt_purge(scheduler, services.event_receipts, clock())

    [scheduled] = scheduler.get_jobs()
    assert scheduled.func is purge_receipts
    assert scheduled.args == (services.event_receipts,)
    assert scheduled.trigger.interval == timedelta(minutes=PURGE_MINUTES)
    assert scheduled.next_run_time == clock() + timedelta(minutes=PURGE_MINUTES)
