"""Scheduled jobs: the clock's entry points, each translating into service calls and posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap.container import Services
from bot.delivery.alerts.alert_posts import AlertDelivery
from bot.jobs.alerts.alert_job import AlertJob, schedule_alerts
from bot.jobs.core.receipt_purge import schedule_receipt_purge
from bot.jobs.core.role_groups import RoleGroupRefresh, schedule_role_groups
from bot.jobs.digests.slot_jobs import SWEEP_SECONDS, DigestJobs
from bot.jobs.feedback.weekly_report import FeedbackDigestJob, schedule_feedback_digests
from bot.jobs.sync.sync_job import SyncJob, schedule_sync


@dataclass(frozen=True)
class JobTiming:
    """How often the jobs run, and the zone digests are told in."""

    zone: tzinfo
    alert_seconds: int = 60
    sync_minutes: int = 15
    digest_sweep_seconds: int = SWEEP_SECONDS


def schedule_jobs(
    scheduler: AsyncIOScheduler | None,
    services: Services,
    client: AsyncWebClient,
    timing: JobTiming,
) -> DigestJobs:
    """Schedule every job on `scheduler` and return the digest jobs, which start separately
    (their first run may post long digests). Without a scheduler nothing is scheduled: the
    digest jobs can still post one digest now (`backlog-bot digest send`)."""
    digests = DigestJobs(services, client, scheduler, timing.zone, timing.digest_sweep_seconds)
    if scheduler is None:
        return digests
    now = services.clock()
    schedule_role_groups(scheduler, RoleGroupRefresh(services.roles, client), now)
    schedule_feedback_digests(scheduler, FeedbackDigestJob(services, client), now)
    delivery = AlertDelivery(services.alerts, services.actions, client)
    schedule_alerts(scheduler, AlertJob(services.alerts, delivery), now, timing.alert_seconds)
    schedule_receipt_purge(scheduler, services.event_receipts, now)
    if services.sync.configured:
        job = SyncJob(services.sync, client, services.roles)
        schedule_sync(scheduler, job, timing.sync_minutes, now)
    return digests
