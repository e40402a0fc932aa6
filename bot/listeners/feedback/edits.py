"""The Edit button of a feedback note on the order card, and its modal's save."""

from __future__ import annotations

from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.feedback.edit_modal import (
    EDIT_SENTIMENT,
    EditContext,
    build_feedback_edit_modal,
    read_edit_form,
)
from bot.blocks.kit import ids
from bot.blocks.kit.forms import FormErrors
from bot.blocks.kit.wire import view_to_wire
from bot.blocks.orders.feedback_section import FeedbackRef
from bot.listeners.core.background import Background
from bot.listeners.core.registry import Registry
from bot.listeners.core.surfaces import refuse_viewer
from bot.listeners.feedback.follow_ups import FeedbackFollowUps, FeedbackFollowUpsServices
from bot.services.core.roles import PermissionDenied, RoleBook
from bot.services.feedback.entries import FeedbackNotFound
from bot.services.feedback.service import FeedbackService


class FeedbackEditsServices(FeedbackFollowUpsServices, Protocol):
    """The services FeedbackEdits uses."""

    feedback: FeedbackService
    roles: RoleBook


class FeedbackEdits:
    """Sentiment, tags and follow-up owner of a note, set after the fact."""

    def __init__(self, services: FeedbackEditsServices, background: Background) -> None:
        self._services = services
        self._background = background
        self._follow_ups = FeedbackFollowUps(services)

    def register(self, registry: Registry) -> None:
        registry.action(ids.FEEDBACK_EDIT_ACTION, self.open_edit)
        registry.view(ids.FEEDBACK_EDIT_MODAL, self.save_edit)

    async def open_edit(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """Edit button of a feedback note: the modal opens from the button's value alone."""
        await ack()
        if await refuse_viewer(self._services.roles, client, body, respond):
            return
        ref = FeedbackRef.decode(action["value"])
        ctx = EditContext(
            ref.feedback_id, ref.external_id, body.get("response_url"), ref.follow_up_owner
        )
        await client.views_open(
            trigger_id=body["trigger_id"], view=view_to_wire(build_feedback_edit_modal(ref, ctx))
        )

    async def save_edit(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """The edit modal submitted; the card is redrawn after the ack."""
        ctx = EditContext.decode(view["private_metadata"])
        actor = body["user"]["id"]
        try:
            form = read_edit_form(view["state"])
            result = await self._services.feedback.classify(
                ctx.feedback_id, form.sentiment, form.tags, form.follow_up_owner, actor=actor
            )
        except FormErrors as exc:
            await ack(response_action="errors", errors=exc.errors)
            return
        except PermissionDenied as exc:
            await ack(response_action="errors", errors={EDIT_SENTIMENT: exc.message})
            return
        except FeedbackNotFound:
            gone = "That feedback no longer exists."
            await ack(response_action="errors", errors={EDIT_SENTIMENT: gone})
            return
        await ack()
        follow_up = self._follow_ups.classified(
            result, ctx.response_url, ctx.follow_up_owner, actor, client
        )
        self._background.run(follow_up, f"feedback edit {ctx.feedback_id}")
