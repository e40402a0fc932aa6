"""Scheduled digests: one SlotTrigger job per subscription in the bot's AsyncIOScheduler.

Every bot process schedules every subscription; the claim row decides which one posts. A
sweep every minute picks up subscription changes made by other processes and takes over
slots whose poster died (after the claim's lease, within the subscription's grace). Nothing
a digest does, or Slack answers, escapes a job: failures are recorded on the subscription.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.digests.digest_posts import DigestSender
from bot.jobs.digests.slot_trigger import SlotTrigger
from bot.services.core.clock import Clock
from bot.services.core.errors import InvalidInput
from bot.services.digests import Digests
from bot.services.digests.delivery import Delivery, due_slot, schedule_of
from bot.services.orders.reader import OrderReader

log = logging.getLogger(__name__)
JOB_PREFIX = "digest-"
SWEEP_JOB = "digest-sweep"
RECOVERY_JOB = "digest-recovery"
SWEEP_SECONDS = 60


class DigestJobsServices(Protocol):
    """The services DigestJobs uses."""

    @property
    def clock(self) -> Clock: ...

    digests: Digests
    orders: OrderReader


class DigestJobs:
    """Schedules, delivers and recovers digests for one bot process."""

    def __init__(
        self,
        services: DigestJobsServices,
        client: AsyncWebClient,
        scheduler: AsyncIOScheduler | None = None,
        zone: tzinfo | None = None,
        sweep_seconds: int = SWEEP_SECONDS,
    ) -> None:
        self._deliveries = services.digests.deliveries
        self._subscriptions = services.digests.subscriptions
        self._clock = services.clock
        self._scheduler = scheduler
        self._sweep_seconds = sweep_seconds
        self.sender = DigestSender(self._deliveries, client, zone or services.orders.zone)
        self._scheduled: dict[str, tuple[str, str, str, int]] = {}

    async def start(self) -> None:
        """Schedule every subscription, deliver what is due or abandoned, start the sweep."""
        self._subscriptions.on_change(self.sync)  # this process's own changes apply at once
        await self.sync()
        if self._scheduler is None:
            await self.recover(missed=True)
            return
        # Recovery may post long digests: it runs beside serving Slack, not before it.
        self._scheduler.add_job(
            self.recover, kwargs={"missed": True}, id=RECOVERY_JOB, replace_existing=True,
            next_run_time=datetime.now(UTC),
        )  # fmt: skip
        self._scheduler.add_job(
            self.sweep, "interval", seconds=self._sweep_seconds, id=SWEEP_JOB, replace_existing=True
        )

    async def sweep(self) -> None:
        """Pick up changes from other processes and take over abandoned slots."""
        await self.sync()
        await self.recover(missed=False)

    async def sync(self) -> None:
        """Make the scheduler's digest jobs match the subscriptions table."""
        if self._scheduler is None:
            return
        active = {f"{JOB_PREFIX}{s.id}": s for s in await self._deliveries.subscriptions()}
        active = {job_id: s for job_id, s in active.items() if not s.paused}
        for job_id in set(self._scheduled) - set(active):
            if self._scheduler.get_job(job_id) is not None:
                self._scheduler.remove_job(job_id)
            del self._scheduled[job_id]
        for job_id, sub in active.items():
            signature = (sub.days, sub.times, sub.zone, sub.grace_minutes)
            if self._scheduled.get(job_id) == signature:
                continue
            try:
                trigger = SlotTrigger(schedule_of(sub))
            except InvalidInput as exc:
                log.error("digest %s has an unusable schedule: %s", sub.id, exc.message)
                continue
            self._scheduler.add_job(
                self.run_due, trigger, args=[sub.id], id=job_id, replace_existing=True,
                misfire_grace_time=sub.grace_minutes * 60, coalesce=True, max_instances=1,
            )  # fmt: skip
            self._scheduled[job_id] = signature

    async def run_due(self, subscription_id: int) -> None:
        """A subscription's trigger fired: deliver the slot that is due now."""
        try:
            slot = await self._deliveries.due(subscription_id)
        except Exception:  # a job must never take the scheduler down: log and go on
            log.exception("digest %s: cannot work out the due slot", subscription_id)
            return
        if slot is not None:
            await self.deliver(subscription_id, slot.key, slot.at)

    async def recover(self, *, missed: bool) -> None:
        """Deliver slots whose poster stopped; with `missed`, also slots nobody was up for."""
        try:
            pending = await self._deliveries.abandoned()
            if missed:
                now = self._clock()
                for sub in await self._deliveries.subscriptions():
                    slot = None if sub.paused else due_slot(sub, now)
                    if slot is not None and sub.id is not None:
                        pending.append((sub.id, slot.key, slot.at))
        except Exception:
            log.exception("digest recovery failed")
            return
        for subscription_id, slot_key, at in pending:
            await self.deliver(subscription_id, slot_key, at)

    async def deliver(self, subscription_id: int, slot_key: str, at: datetime) -> None:
        """Claim the slot; if this process wins, post the digest and record the outcome."""
        try:
            delivery = await self._deliveries.begin(subscription_id, slot_key, at)
            if delivery is not None:
                await self.post(delivery)
        except Exception:
            log.exception("digest %s slot %s failed", subscription_id, slot_key)

    async def post(self, delivery: Delivery) -> str | None:
        """Post (or skip) one delivery; returns Slack's error code when it failed."""
        return await self.sender.send(delivery)
