"""Pieces of Slack's inbound payloads (interactivity, views, events) for one workspace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"


@dataclass(frozen=True)
class Workspace:
    """The ids every payload of one (non-Enterprise Grid) workspace repeats."""

    team_id: str = "T0001"
    team_domain: str = "backlog-test"
    api_app_id: str = "A0001"
    verification_token: str = "legacy-verification-token"

    def user(self, user_id: str) -> dict[str, Any]:
        """The `user` object of an interaction."""
        name = user_name(user_id)
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}


def user_name(user_id: str) -> str:
    """The name the fake Web API also reports for this user."""
    return f"user-{user_id.lower()}"


def channel(channel_id: str) -> dict[str, Any]:
    """The `channel` object of an interaction."""
    return {"id": channel_id, "name": f"channel-{channel_id.lower()}"}


def slash_command_form(
    workspace: Workspace,
    text: str,
    user_id: str,
    channel_id: str,
    command: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """The form fields of a slash command, in Slack's order."""
    return {
        "token": workspace.verification_token,
        "api_app_id": workspace.api_app_id,
        "team_id": workspace.team_id,
        "team_domain": workspace.team_domain,
        "enterprise_id": "",  # outside Enterprise Grid these are empty
        "enterprise_name": "",
        "channel_id": channel_id,
        "channel_name": channel(channel_id)["name"],
        "user_id": user_id,
        "user_name": user_name(user_id),
        "command": command,
        "text": text,
        "response_url": response_url,
        "trigger_id": trigger_id,
        "is_enterprise_install": "false",
    }


def interaction(workspace: Workspace, kind: str, user_id: str) -> dict[str, Any]:
    """Fields every interactivity payload carries."""
    # No function_data/bot_access_token/interactivity: those belong to Workflow functions,
    # and Bolt switches the client to `bot_access_token` when they are present.
    return {
        "type": kind,
        "enterprise": None,
        "team": {"id": workspace.team_id, "domain": workspace.team_domain},
        "user": workspace.user(user_id),
        "api_app_id": workspace.api_app_id,
        "token": workspace.verification_token,
        "is_enterprise_install": False,
    }


def modal_view(
    workspace: Workspace,
    callback_id: str,
    state_values: dict[str, Any],
    private_metadata: str = "",
    view_id: str = "V0000000001",
    hash: str = "1700000000.0a1b2c3d",
    blocks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A modal as Slack echoes it back in interactions, with its state."""
    return {
        "id": view_id,
        "team_id": workspace.team_id,
        "type": "modal",
        "title": {"type": "plain_text", "text": "Backlog", "emoji": True},
        "submit": {"type": "plain_text", "text": "Save", "emoji": True},
        "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
        "blocks": blocks or [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "external_id": "",
        "state": {"values": state_values},
        "hash": hash,
        "clear_on_close": False,
        "notify_on_close": False,
        "submit_disabled": False,
        "root_view_id": view_id,
        "previous_view_id": None,
        "app_id": workspace.api_app_id,
        "app_installed_team_id": workspace.team_id,
        "bot_id": BOT_ID,
    }


def home_view(
    workspace: Workspace,
    private_metadata: str = "",
    view_id: str = "VHOME000001",
    hash: str = "1700000000.0h0m0e00",
    blocks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A published Home tab as Slack echoes it in app_home_opened and in its interactions."""
    return {
        "id": view_id,
        "team_id": workspace.team_id,
        "type": "home",
        "blocks": blocks or [],
        "private_metadata": private_metadata,
        "callback_id": "home",
        "state": {"values": {}},
        "hash": hash,
        "title": {"type": "plain_text", "text": "View Title", "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "submit_disabled": False,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": workspace.api_app_id,
        "external_id": "",
        "app_installed_team_id": workspace.team_id,
        "bot_id": BOT_ID,
    }


def app_home_opened_event(
    user_id: str, channel_id: str, tab: str, view: dict[str, Any] | None, event_ts: str
) -> dict[str, Any]:
    """The app_home_opened event; `view` is absent until the app published a Home tab."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel_id,
        "tab": tab,
        "event_ts": event_ts,
    }
    if view is not None:
        event["view"] = view
    return event


def view_origin(view: dict[str, Any], container: dict[str, Any] | None) -> dict[str, Any]:
    """Where an action in a modal or Home tab happened: no channel, message or response_url."""
    return {"container": container or {"type": "view", "view_id": view["id"]}, "view": view}


def message_origin(
    channel_id: str,
    message_ts: str,
    message: dict[str, Any] | None,
    container: dict[str, Any] | None,
    response_url: str,
) -> dict[str, Any]:
    """Where an action in a bot message happened."""
    default_container = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": False,
    }
    default_message = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "ts": message_ts,
        "text": "",
        "blocks": [],
    }
    return {
        "container": container or default_container,
        "channel": channel(channel_id),
        "message": message or default_message,
        "state": {"values": {}},
        "response_url": response_url,
    }


def event_envelope(
    workspace: Workspace, event: dict[str, Any], event_id: str, event_time: int
) -> dict[str, Any]:
    """The `event_callback` envelope around one event."""
    return {
        "token": workspace.verification_token,
        "enterprise_id": None,
        "team_id": workspace.team_id,
        "api_app_id": workspace.api_app_id,
        "type": "event_callback",
        "authed_users": [BOT_USER_ID],
        "authed_teams": [workspace.team_id],
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": workspace.team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_id": event_id,
        "event_time": event_time,
        "event_context": f"4-{event_id}",
        "event": event,
    }
