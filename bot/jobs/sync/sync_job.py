"""The scheduled upstream sync; after three failures in a row the admins get a DM."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.sync.status import sync_alert_text
from bot.services.core.roles import RoleBook
from bot.services.sync import SyncRun, SyncService

log = logging.getLogger(__name__)


class SyncJob:
    """Runs the sync once; tells the admins when the service says the failures add up."""

    def __init__(self, sync: SyncService, client: AsyncWebClient, roles: RoleBook) -> None:
        self._sync = sync
        self._client = client
        self._roles = roles

    async def run(self) -> SyncRun:
        result = await self._sync.run_once()
        if result.skipped:
            log.info("upstream sync skipped: %s", result.skipped)
        elif result.ok:
            log.info(
                "upstream sync: %d pages, %d orders changed, %d records rejected",
                result.pages,
                result.changed,
                result.rejected,
            )
        if result.alert_admins:
            await self._alert(sync_alert_text(result))
        return result

    def admins(self) -> list[str]:
        """Admin user ids: those listed, and the known members of listed user groups."""
        people: set[str] = set()
        for listed in self._roles.admins:
            if listed.startswith("S"):
                people |= self._roles.group_members.get(listed, frozenset())
            else:
                people.add(listed)
        return sorted(people)

    async def _alert(self, text: str) -> None:
        admins = self.admins()
        if not admins:
            log.warning("upstream sync keeps failing and no admin is configured to tell")
        for admin in admins:
            try:
                opened = await self._client.conversations_open(users=admin)
                await self._client.chat_postMessage(channel=opened["channel"]["id"], text=text)
            except SlackApiError as exc:
                log.warning("cannot DM admin %s: %s", admin, exc.response.get("error"))


def schedule_sync(
    scheduler: AsyncIOScheduler, job: SyncJob, every_minutes: int, now: datetime
) -> None:
    """Sync now and every `every_minutes`; a run still going when the next is due is skipped."""
    scheduler.add_job(
        job.run,
        "interval",
        minutes=every_minutes,
        next_run_time=now,
        id="upstream-sync",
        max_instances=1,
        coalesce=True,
    )
