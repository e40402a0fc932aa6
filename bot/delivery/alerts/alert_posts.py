"""Posting one claimed alert: a line in the order's team thread, then the owner's DM.

Shared by the alerts job and the card listeners (a slip made on the card is announced at
once, through the same claim, so it is announced once). Each step is recorded as soon as
Slack took it, so a process taking over a crashed or rate-limited alert does not repeat it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.alerts.messages import build_alert_dm, build_alert_line
from bot.blocks.kit.wire import to_wire
from bot.delivery.core.slack_errors import UNREACHABLE, slack_error, unavailable
from bot.delivery.orders.threads import OrderThreads, display_name
from bot.services.alerts.plans import AlertPlan
from bot.services.alerts.service import AlertService
from bot.services.orders.actions import OrderActions
from storage.alerts.tables import AlertKind, AlertStatus

log = logging.getLogger(__name__)
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


class SlackLater(Exception):
    """Slack asked to come back later."""


class AlertDelivery:
    """Posts claimed alerts and records what happened."""

    def __init__(self, alerts: AlertService, actions: OrderActions, client: AsyncWebClient) -> None:
        self._alerts = alerts
        self._client = client
        self._threads = OrderThreads(actions, client)

    async def deliver(self, plan: AlertPlan) -> bool:
        """Post what is due; False when Slack said "later" (the alert waits for the next run)."""
        if plan.skip is not None:
            await self._finish(plan, AlertStatus.SKIPPED, plan.skip)
            return True
        try:
            actor = await self._actor_name(plan)
            status, line_detail = await self._line(plan, actor)
            dm_detail = await self._direct_message(plan, actor)
        except SlackLater as exc:
            log.warning("alert %d postponed: %s", plan.alert_id, exc)
            await self._alerts.release(plan, str(exc))
            return False
        detail = "; ".join(d for d in (line_detail, dm_detail) if d) or None
        await self._finish(plan, status, detail)
        return True

    async def _line(self, plan: AlertPlan, actor: str | None) -> tuple[AlertStatus, str | None]:
        if plan.line_ts is not None:
            return AlertStatus.POSTED, None
        if plan.channel is None:
            return AlertStatus.SKIPPED, plan.no_channel
        text, blocks = build_alert_line(plan, actor)
        try:
            with _later_when_transient():
                thread = await self._threads.thread_for(plan.order, plan.channel)
                posted = await self._client.chat_postMessage(
                    channel=plan.channel, thread_ts=thread, text=text, blocks=to_wire(blocks)
                )
        except SlackApiError as exc:
            log.warning("alert %d: cannot post in %s: %s", plan.alert_id, plan.channel, exc)
            return AlertStatus.FAILED, f"posting in {plan.channel} failed: {slack_error(exc)}"
        await self._alerts.line_posted(plan, plan.channel, str(posted["ts"]))
        return AlertStatus.POSTED, None

    async def _direct_message(self, plan: AlertPlan, actor: str | None) -> str | None:
        if plan.dm_owner is None or plan.dm_ts is not None:
            return None
        user_id, problem = await self._slack_user(plan.dm_owner)
        if user_id is None:
            return problem
        if not plan.may_dm(user_id):
            return "no DM: the owner made the change themselves"
        text, blocks = build_alert_dm(plan, actor)
        try:
            with _later_when_transient():
                sent = await self._client.chat_postMessage(
                    channel=user_id, text=text, blocks=to_wire(blocks)
                )
        except SlackApiError as exc:
            return f"DM to {user_id} failed: {slack_error(exc)}"
        await self._alerts.dm_sent(plan, user_id, str(sent["ts"]))
        return None

    async def _slack_user(self, owner: str) -> tuple[str | None, str | None]:
        """The owner's Slack user id, or why there is none."""
        if _USER_ID.fullmatch(owner):
            return owner, None
        if "@" not in owner:
            return None, f"no DM: owner {owner!r} is neither a Slack user id nor an email"
        try:
            with _later_when_transient():
                found = await self._client.users_lookupByEmail(email=owner)
        except SlackApiError as exc:
            return None, f"no DM: no Slack user with email {owner} ({slack_error(exc)})"
        user_id = (found.get("user") or {}).get("id")
        if not user_id:
            return None, f"no DM: Slack returned no user for email {owner}"
        return str(user_id), None

    async def _actor_name(self, plan: AlertPlan) -> str | None:
        if plan.kind is AlertKind.OVERDUE or plan.actor is None:
            return None
        if plan.actor_label is not None:
            return plan.actor_label
        try:
            with _later_when_transient():
                return await display_name(self._client, plan.actor)
        except SlackApiError:
            return "a teammate"

    async def _finish(self, plan: AlertPlan, status: AlertStatus, detail: str | None) -> None:
        if not await self._alerts.finish(plan, status, detail):
            log.warning("alert %d was taken over before it finished here", plan.alert_id)


@contextmanager
def _later_when_transient() -> Iterator[None]:
    """Turn "try again later" answers into SlackLater; other refusals pass through."""
    try:
        yield
    except (SlackApiError, *UNREACHABLE) as exc:
        reason = unavailable(exc)
        if reason is None:
            raise
        raise SlackLater(reason) from exc
