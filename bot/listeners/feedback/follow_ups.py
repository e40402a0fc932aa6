"""After feedback was saved: confirm to the rep, DM a follow-up owner someone else named."""

from __future__ import annotations

from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.feedback.log_modal import MessageSource
from bot.blocks.feedback.replies import feedback_logged_text, follow_up_text
from bot.listeners.orders.card_refresh import CardUpdates, CardUpdatesServices, reply
from bot.services.feedback.entries import FeedbackEntry, LoggedFeedback


class FeedbackFollowUpsServices(CardUpdatesServices, Protocol):
    """The services FeedbackFollowUps uses."""


class FeedbackFollowUps:
    """The Slack side effects of logging and classifying feedback (run after the ack)."""

    def __init__(self, services: FeedbackFollowUpsServices) -> None:
        self._updates = CardUpdates(services)

    async def logged(
        self, result: LoggedFeedback, source: MessageSource, actor: str, client: AsyncWebClient
    ) -> None:
        """Confirm where the feedback went; tell the follow-up owner (not oneself)."""
        if source.response_url:
            text = feedback_logged_text(result.entry, result.duplicate)
            await reply(source.response_url, client, text)
        if not result.duplicate:
            await self._tell_owner(result.entry, None, actor, client)

    async def classified(
        self,
        result: LoggedFeedback,
        response_url: str | None,
        previous_owner: str | None,
        actor: str,
        client: AsyncWebClient,
    ) -> None:
        """Redraw the card the Edit button was on; tell a newly named follow-up owner."""
        if result.duplicate:
            return
        if response_url and result.entry.external_id:
            await self._updates.refresh(response_url, result.entry.external_id, client)
        await self._tell_owner(result.entry, previous_owner, actor, client)

    async def _tell_owner(
        self, entry: FeedbackEntry, previous: str | None, actor: str, client: AsyncWebClient
    ) -> None:
        owner = entry.follow_up_owner
        if owner and owner != actor and owner != previous:
            await client.chat_postMessage(channel=owner, text=follow_up_text(entry, actor))
