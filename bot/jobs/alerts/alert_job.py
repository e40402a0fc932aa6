"""Every minute: claim the order transitions nobody announced yet and post them."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.alerts.alert_posts import AlertDelivery
from bot.services.alerts.service import AlertService

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60  # ALERT_INTERVAL_SECONDS overrides it
# Alerts claimed per run: Slack takes about one message per second per channel, and a run
# should end well before the next one starts.
BATCH = 20


class AlertJob:
    """One run claims up to BATCH alerts and posts them; every process runs it, the claims
    make sure each alert is posted by one of them."""

    def __init__(self, alerts: AlertService, delivery: AlertDelivery) -> None:
        self._alerts = alerts
        self._delivery = delivery

    async def run(self) -> None:
        """Claim what is due and post it; Slack's refusals are recorded, never raised."""
        plans = await self._alerts.claim_due(BATCH)
        for index, plan in enumerate(plans):
            if not await self._delivery.deliver(plan):
                # Slack asked us to slow down: hand the rest back for the next run.
                for rest in plans[index + 1 :]:
                    await self._alerts.release(rest, "not tried: Slack asked to slow down")
                log.info("alerts: %d postponed to the next run", len(plans) - index)
                return


def schedule_alerts(
    scheduler: AsyncIOScheduler, job: AlertJob, now: datetime, seconds: int = INTERVAL_SECONDS
) -> None:
    """Run now and every `seconds`; a run still going when the next is due is not doubled."""
    scheduler.add_job(
        job.run,
        "interval",
        seconds=seconds,
        next_run_time=now,
        id="alerts",
        max_instances=1,
        coalesce=True,
    )
