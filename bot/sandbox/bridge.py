"""The page's gestures as Slack's signed requests, sent to the bot's own POST /slack/events."""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.sandbox.answers import BOT_USER_ID
from bot.sandbox.people import COMMAND, FEEDBACK_SHORTCUT, escape_mentions
from bot.sandbox.signing import SignedRequest, SlackRequests
from bot.sandbox.workspace import Message, Reply, Workspace


class Refused(Exception):
    """A gesture Slack itself would refuse (an unknown command, a view that is gone)."""


class Bridge:
    """Signs each gesture as Slack would, posts it to the bot, and applies the answer."""

    def __init__(self, workspace: Workspace, requests: SlackRequests, bot_url: str) -> None:
        self.workspace = workspace
        self.requests = requests
        self.http = httpx.AsyncClient(base_url=bot_url, trust_env=False, timeout=10)

    async def close(self) -> None:
        await self.http.aclose()

    async def command(self, user: str, channel: str, typed: str) -> None:
        """The composer's `/backlog …`: a slash command; its ack is an ephemeral reply."""
        name, _, text = typed.strip().partition(" ")
        if name != COMMAND:
            raise Refused(f"{name} is not a valid command. In Slack this workspace has {COMMAND}.")
        typed_text = escape_mentions(text.strip())
        signed = self.requests.slash_command(typed_text, user_id=user, channel_id=channel)
        body = await self._send(signed, user, channel, None)
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            shared = body.get("response_type") == "in_channel"
            message = Message(channel, self.workspace.next_ts(), BOT_USER_ID, "")
            message.text, message.blocks = str(body.get("text") or ""), body.get("blocks") or []
            message.only_for = None if shared else user
            self.workspace.post(message)

    async def action(
        self, user: str, origin: dict[str, Any], action: dict[str, Any], values: dict[str, Any]
    ) -> None:
        """A click or a pick in a message, a modal or the Home tab: block_actions."""
        action_id, block_id = str(action["action_id"]), str(action.get("block_id", ""))
        if origin.get("kind") == "view":
            view = {**self._view(user, str(origin["view_id"])), "state": {"values": values}}
            signed = self.requests.block_actions(
                action_id, user_id=user, block_id=block_id, view=view, action=action
            )
            await self._send(signed, user, "", None)
            return
        channel, ts = str(origin["channel"]), str(origin["ts"])
        message = self.workspace.find(channel, ts)
        container: dict[str, Any] = {"type": "message", "message_ts": ts, "channel_id": channel}
        container["is_ephemeral"] = bool(origin.get("ephemeral"))
        signed = self.requests.block_actions(
            action_id,
            user_id=user,
            block_id=block_id,
            channel_id=channel,
            message_ts=ts,
            container=container,
            action=action,
            message=message.as_slack() if message else None,
        )
        await self._send(signed, user, channel, ts)

    async def options(
        self, user: str, origin: dict[str, Any], action: dict[str, Any], typed: str
    ) -> dict[str, Any]:
        """Type-ahead in an external select: block_suggestion; the answer lists options."""
        action_id, block_id = str(action["action_id"]), str(action.get("block_id", ""))
        view = None
        if origin.get("kind") == "view":
            view = self._view(user, str(origin["view_id"]))
        signed = self.requests.block_suggestion(
            action_id, typed, user_id=user, block_id=block_id, view=view,
            channel_id=str(origin.get("channel", "")), message_ts=str(origin.get("ts", "")),
        )  # fmt: skip
        body = await self._send(signed, user, "", None)
        return body if isinstance(body, dict) else {"options": []}

    async def submit(self, user: str, values: dict[str, Any]) -> None:
        """The modal's submit button: view_submission, then Slack's response_action."""
        view = self.workspace.top_view(user)
        if view is None:
            raise Refused("This modal is no longer open.")
        signed = self.requests.view_submission(
            str(view.get("callback_id", "")), values, str(view.get("private_metadata", "")),
            user_id=user, view_id=str(view["id"]), hash=str(view.get("hash", "")),
            blocks=view.get("blocks") or [],
        )  # fmt: skip
        body = await self._send(signed, user, "", None)
        answer = body if isinstance(body, dict) else {}
        kind = answer.get("response_action")
        if kind == "errors":
            self.workspace.set_errors(str(view["id"]), dict(answer.get("errors") or {}))
        elif kind == "update":
            self.workspace.replace_top(user, answer["view"])
        elif kind == "push":
            self.workspace.push_view(user, answer["view"])
        else:
            self.workspace.close_modals(user, all_views=kind == "clear")

    async def close_view(self, user: str) -> None:
        """The modal's Cancel (or ×): view_closed when the view asked for it."""
        view = self.workspace.top_view(user)
        if view is not None and view.get("notify_on_close"):
            signed = self.requests.view_closed(
                str(view.get("callback_id", "")), str(view.get("private_metadata", "")),
                user_id=user, view_id=str(view["id"]),
            )  # fmt: skip
            await self._send(signed, user, "", None)
        self.workspace.close_modals(user, all_views=False)

    async def shortcut(self, user: str, channel: str, ts: str) -> None:
        """ "More actions → Log customer feedback" on a message: message_action."""
        message = self.workspace.find(channel, ts)
        if message is None:
            raise Refused("That message is gone.")
        is_bot = message.user == BOT_USER_ID
        signed = self.requests.message_shortcut(
            FEEDBACK_SHORTCUT[0], message.text, message_user=message.user, message_ts=ts,
            bot_id="BBOT" if is_bot else None, channel_id=channel, user_id=user,
        )  # fmt: skip
        await self._send(signed, user, channel, ts)

    async def open_home(self, user: str) -> None:
        """The Home tab opened: an app_home_opened event (with the published view, if any)."""
        home = self.workspace.homes.get(user)
        metadata = None if home is None else str(home.get("private_metadata", ""))
        await self._send(self.requests.app_home_opened(user, private_metadata=metadata), user)

    async def _send(
        self, signed: SignedRequest, user: str, channel: str = "", message_ts: str | None = None
    ) -> Any:
        payload = signed.payload()
        if payload.get("trigger_id"):
            self.workspace.triggers[str(payload["trigger_id"])] = user
        url = payload.get("response_url")
        if url:
            self.workspace.replies[str(url).rsplit("/", 1)[-1]] = Reply(user, channel, message_ts)
        response = await self.http.post(
            "/slack/events", content=signed.body, headers=signed.headers
        )
        if response.status_code != 200:
            raise Refused(f"The bot answered HTTP {response.status_code}: {response.text[:200]}")
        if not response.content or "json" not in response.headers.get("content-type", ""):
            return response.text or None
        return json.loads(response.content)

    def _view(self, user: str, view_id: str) -> dict[str, Any]:
        for view in [*self.workspace.modals.get(user, []), self.workspace.homes.get(user)]:
            if view is not None and view["id"] == view_id:
                return view
        raise Refused("This view is no longer open.")
