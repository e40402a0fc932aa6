"""Keep user-group membership current, so roles granted to a group (S…) apply to its members."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.core.roles import RoleBook

log = logging.getLogger(__name__)
REFRESH_MINUTES = 10


class RoleGroupRefresh:
    """Reads usergroups.users.list for every group named in the role settings."""

    def __init__(self, roles: RoleBook, client: AsyncWebClient) -> None:
        self._roles = roles
        self._client = client

    def groups(self) -> list[str]:
        listed = self._roles.admins | self._roles.reps | self._roles.viewers
        return sorted(i for i in listed if i.startswith("S"))

    async def refresh(self) -> None:
        """Learn each group's members; a group Slack will not list keeps what was known."""
        members = dict(self._roles.group_members)
        for group in self.groups():
            try:
                response = await self._client.usergroups_users_list(usergroup=group)
            except SlackApiError as exc:
                log.warning(
                    "cannot list members of user group %s: %s", group, exc.response.get("error")
                )
                continue
            members[group] = frozenset(response.get("users") or [])
        self._roles.learn_groups(members)


def schedule_role_groups(
    scheduler: AsyncIOScheduler, refresh: RoleGroupRefresh, now: datetime
) -> None:
    """Refresh now and every REFRESH_MINUTES; nothing to do when no role names a group."""
    if refresh.groups():
        scheduler.add_job(
            refresh.refresh,
            "interval",
            minutes=REFRESH_MINUTES,
            next_run_time=now,
            id="role-groups",
        )
