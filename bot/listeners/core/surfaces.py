"""Where a click came from, and how to answer there.

A card lives in a message (with a response_url), in the Home tab (none) or in a modal opened
from Home (none). Slack opens a modal from inside a modal only with views.push; a short answer
goes to the response_url when there is one and into a small modal otherwise.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.kit.notices import build_notice_modal
from bot.blocks.kit.wire import view_to_wire
from bot.services.core.roles import PermissionDenied, Role, RoleBook


def in_modal(body: dict[str, Any]) -> bool:
    """Did the click happen inside a modal?"""
    view: dict[str, Any] = body.get("view") or {}
    return view.get("type") == "modal"


def channel_of(body: dict[str, Any]) -> str | None:
    """The channel the click came from, if any (a modal or Home tab has none)."""
    channel = body.get("channel") or body.get("container", {})
    found = channel.get("id") or channel.get("channel_id")
    return str(found) if found else None


def modal_context(external_id: str, version: int, body: dict[str, Any]) -> ModalContext:
    """What a modal opened by this click must remember to refresh its origin after a save."""
    view: dict[str, Any] = body.get("view") or {}
    home_state = str(view.get("private_metadata") or "")
    if view.get("type") == "home":
        return ModalContext(external_id, version, home=home_state)
    if view.get("type") == "modal" and view.get("callback_id") == ids.ORDER_CARD_MODAL:
        # The card modal keeps the Home state it was opened from as its metadata.
        return ModalContext(external_id, version, card_view=view.get("id"), home=home_state)
    return ModalContext(external_id, version, body.get("response_url"), channel_of(body))


async def open_modal(
    client: AsyncWebClient, body: dict[str, Any], view: View
) -> AsyncSlackResponse:
    """views.push inside a modal (Slack requires it there), views.open anywhere else."""
    if in_modal(body):
        return await client.views_push(trigger_id=body["trigger_id"], view=view_to_wire(view))
    return await client.views_open(trigger_id=body["trigger_id"], view=view_to_wire(view))


async def update_if_open(client: AsyncWebClient, view_id: str, view: View) -> bool:
    """views.update, unless the user closed that modal meanwhile (Slack: not_found)."""
    try:
        await client.views_update(view_id=view_id, view=view_to_wire(view))
    except SlackApiError as exc:
        if exc.response.get("error") != "not_found":
            raise
        return False
    return True


async def tell(
    client: AsyncWebClient, body: dict[str, Any], respond: AsyncRespond, text: str
) -> None:
    """A short answer only the clicking user sees: ephemeral, or a small modal without a
    response_url (the Home tab and modals have none)."""
    if body.get("response_url"):
        await respond(response_type="ephemeral", replace_original=False, text=text)
        return
    await open_modal(client, body, build_notice_modal(text))


async def refuse_viewer(
    roles: RoleBook,
    client: AsyncWebClient,
    body: dict[str, Any],
    respond: AsyncRespond,
) -> bool:
    """Tell a viewer, politely and only them, that actions are for reps; True when refused."""
    user = body["user"]["id"]
    if roles.role_of(user) is not Role.VIEWER:
        return False
    await tell(client, body, respond, PermissionDenied(user, Role.REP, Role.VIEWER).message)
    return True
