"""The weekly customer feedback report: every bot process checks each minute, one posts.

Each process runs `deliver_due` every minute; a due run is posted only by the process whose
claim row lands (bot.services.digests.claims), so running several processes, or the job twice,
still posts once. A subscription created or changed needs no rescheduling.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.feedback.replies import delivery_failed_text
from bot.blocks.feedback.report import build_feedback_report, feedback_report_text
from bot.blocks.kit.wire import to_wire
from bot.services.digests import Digests
from bot.services.digests.claims import DigestClaims
from bot.services.feedback.digests import REPORT_DAYS, DueReport, FeedbackDigests
from bot.services.feedback.service import FeedbackService
from bot.services.orders.reader import OrderReader

log = logging.getLogger(__name__)
CHECK_SECONDS = 60


class FeedbackDigestJobServices(Protocol):
    """The services FeedbackDigestJob uses."""

    digests: Digests
    feedback: FeedbackService
    feedback_digests: FeedbackDigests
    orders: OrderReader


class FeedbackDigestJob:
    """Posts each subscription's weekly report once per scheduled run."""

    def __init__(
        self,
        services: FeedbackDigestJobServices,
        client: AsyncWebClient,
        claims: DigestClaims | None = None,
    ) -> None:
        self._services = services
        self._client = client
        # The lagging digest's claims: the same table, owner and lease (DIGEST_LEASE_SECONDS).
        self._claims = claims or services.digests.deliveries.claims

    async def deliver_due(self) -> int:
        """Post every due report this process can claim; how many it posted."""
        posted = 0
        for due in await self._services.feedback_digests.due():
            try:
                posted += await self._deliver(due)
            except Exception:  # one broken subscription must not hold up the others
                log.exception("feedback report for %s failed", due.channel_id)
        return posted

    async def _deliver(self, due: DueReport) -> bool:
        claim = await self._claims.claim(due.subscription_id, due.slot.key, due.slot.at, due.grace)
        if claim is None:
            return False
        report = await self._services.feedback.report(REPORT_DAYS, due.team, end=due.slot.at)
        blocks = build_feedback_report(report, self._services.orders.zone)
        try:
            response = await self._client.chat_postMessage(
                channel=due.channel_id, text=feedback_report_text(report), blocks=to_wire(blocks)
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            await self._claims.failed(claim, error)
            await self._failed(due, error)
            return False
        await self._claims.posted(claim, str(response["ts"]))
        await self._services.feedback_digests.record(due.subscription_id, None)
        return True

    async def _failed(self, due: DueReport, error: str) -> None:
        log.warning("feedback report to %s refused: %s", due.channel_id, error)
        await self._services.feedback_digests.record(due.subscription_id, error)
        try:
            text = delivery_failed_text(due.channel_id, error)
            await self._client.chat_postMessage(channel=due.created_by, text=text)
        except SlackApiError as exc:
            log.warning("cannot tell %s: %s", due.created_by, exc.response.get("error"))


def schedule_feedback_digests(
    scheduler: AsyncIOScheduler, job: FeedbackDigestJob, now: datetime
) -> None:
    """Check for due reports now and every minute."""
    scheduler.add_job(
        job.deliver_due,
        "interval",
        seconds=CHECK_SECONDS,
        next_run_time=now,
        id="feedback-digests",
        coalesce=True,
        max_instances=1,
    )
