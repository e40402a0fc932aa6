"""The "Log customer feedback" message shortcut: its modal, the order picker and the save.

The shortcut asks Slack for the message's permalink (bounded, so the 3-second trigger_id
still holds) and opens the modal with no database work. The submission is validated and saved
before the ack, so every problem shows under its field; the confirmation follows the ack.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.feedback.log_modal import (
    FIELD_BLOCKS,
    TARGET_BLOCK,
    TEXT_BLOCK,
    MessageSource,
    build_feedback_modal,
    read_feedback_form,
)
from bot.blocks.feedback.order_options import build_target_options
from bot.blocks.feedback.replies import BOT_MESSAGE_REFUSAL
from bot.blocks.kit import ids
from bot.blocks.kit.forms import FormErrors
from bot.blocks.kit.wire import view_to_wire
from bot.listeners.core.background import Background
from bot.listeners.core.parsing import unescape
from bot.listeners.core.registry import Registry
from bot.listeners.feedback.follow_ups import FeedbackFollowUps, FeedbackFollowUpsServices
from bot.services.core.errors import InvalidInput, OrderNotFound
from bot.services.core.roles import PermissionDenied, Role, RoleBook
from bot.services.feedback.service import FeedbackService

log = logging.getLogger(__name__)
# chat.getPermalink usually answers in well under a second; past this the modal opens without
# the link rather than miss Slack's 3-second trigger_id window.
PERMALINK_SECONDS = 1.0


class FeedbackCaptureServices(FeedbackFollowUpsServices, Protocol):
    """The services FeedbackCapture uses."""

    feedback: FeedbackService
    roles: RoleBook


class FeedbackCapture:
    """Message shortcut -> modal -> saved feedback."""

    def __init__(self, services: FeedbackCaptureServices, background: Background) -> None:
        self._services = services
        self._background = background
        self._follow_ups = FeedbackFollowUps(services)

    def register(self, registry: Registry) -> None:
        registry.shortcut(ids.LOG_FEEDBACK_SHORTCUT, self.open_from_message)
        registry.options(ids.FEEDBACK_TARGET_ACTION, self.suggest_targets)
        registry.view(ids.FEEDBACK_MODAL, self.save)

    async def open_from_message(
        self,
        ack: AsyncAck,
        shortcut: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        """Log customer feedback, from a message's "More actions" menu."""
        await ack()
        message: dict[str, Any] = shortcut.get("message") or {}
        user = shortcut["user"]["id"]
        if _from_this_bot(message, context):
            await _say(respond, BOT_MESSAGE_REFUSAL)
            return
        if self._services.roles.role_of(user) is Role.VIEWER:
            await _say(respond, PermissionDenied(user, Role.REP, Role.VIEWER).message)
            return
        channel = (shortcut.get("channel") or {}).get("id")
        ts = message.get("ts") or shortcut.get("message_ts")
        permalink = await _permalink(client, channel, ts)
        author = message.get("user") or message.get("bot_id")  # a mail-forwarding bot has no user
        source = MessageSource(channel, ts, author, permalink, shortcut.get("response_url"))
        view = build_feedback_modal(source, unescape(str(message.get("text") or "")))
        await client.views_open(trigger_id=shortcut["trigger_id"], view=view_to_wire(view))

    async def suggest_targets(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Type-ahead of the order picker: the answer travels in the ack."""
        typed = str(body.get("value") or "")
        suggestions = await self._services.feedback.suggest(typed)
        groups = build_target_options(suggestions, typed)
        if groups:
            await ack(option_groups=groups)
        else:
            await ack(options=[])

    async def save(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """The feedback modal submitted."""
        source = MessageSource.decode(view["private_metadata"])
        actor = body["user"]["id"]
        try:
            form = read_feedback_form(view["state"])
            result = await self._services.feedback.log(form.as_input(source), actor=actor)
        except FormErrors as exc:
            await ack(response_action="errors", errors=exc.errors)
            return
        except InvalidInput as exc:
            block = FIELD_BLOCKS.get(exc.field or "", TEXT_BLOCK)
            await ack(response_action="errors", errors={block: exc.message})
            return
        except OrderNotFound as exc:
            problem = f"Order {exc.external_id} no longer exists; pick another."
            await ack(response_action="errors", errors={TARGET_BLOCK: problem})
            return
        except PermissionDenied as exc:
            await ack(response_action="errors", errors={TEXT_BLOCK: exc.message})
            return
        await ack()
        follow_up = self._follow_ups.logged(result, source, actor, client)
        self._background.run(follow_up, f"feedback {result.entry.id}")


def _from_this_bot(message: dict[str, Any], context: AsyncBoltContext) -> bool:
    # Other bots' messages stay welcome: an email integration posts customers' mails as a bot.
    bot_id, bot_user = context.bot_id, context.bot_user_id
    return bool(
        (bot_id and message.get("bot_id") == bot_id)
        or (bot_user and message.get("user") == bot_user)
    )


async def _permalink(client: AsyncWebClient, channel: str | None, ts: str | None) -> str | None:
    if not channel or not ts:
        return None
    try:
        response = await asyncio.wait_for(
            client.chat_getPermalink(channel=channel, message_ts=ts), PERMALINK_SECONDS
        )
    except (SlackApiError, TimeoutError) as exc:
        log.warning("no permalink for %s/%s: %s", channel, ts, exc)
        return None
    link = response.get("permalink")
    return str(link) if link else None


async def _say(respond: AsyncRespond, text: str) -> None:
    await respond(response_type="ephemeral", replace_original=False, text=text)
