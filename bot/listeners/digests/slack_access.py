"""What the digest listeners ask Slack: is this user in that channel, and what is their zone."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.core.slack_errors import slack_error

log = logging.getLogger(__name__)
_PAGE = 1000


async def is_member(client: AsyncWebClient, channel_id: str, user_id: str) -> bool:
    """Is the user a member of the channel? False when Slack will not say (a private
    channel the bot is not in): the permission rule then leaves the change to admins.
    """
    cursor: str | None = None
    while True:
        try:
            response = await client.conversations_members(
                channel=channel_id, limit=_PAGE, cursor=cursor
            )
        except SlackApiError as exc:
            log.info("cannot list members of %s: %s", channel_id, slack_error(exc))
            return False
        if user_id in (response.get("members") or []):
            return True
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if cursor is None:
            return False


async def user_zone(client: AsyncWebClient, user_id: str, fallback: str) -> str:
    """The user's Slack time zone (users.info `tz`), or `fallback`."""
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as exc:
        log.info("cannot read the zone of %s: %s", user_id, slack_error(exc))
        return fallback
    return str((response.get("user") or {}).get("tz") or fallback)
