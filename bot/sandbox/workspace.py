"""What Slack would show: channels, threads, ephemeral messages, modals and Home tabs, kept
up to date from the calls the bot makes to the sandbox's Web API."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.answers import BOT_USER_ID
from bot.sandbox.people import dm_channel
from bot.sandbox.web_api import Call

_SHOWN_METHODS = ("chat.", "views.")


@dataclass
class Message:
    """A message in a channel; `only_for` marks an ephemeral one ("Only visible to you")."""

    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    only_for: str | None = None
    refusal: str | None = None  # Slack refused it: the error and its details, shown in red

    def as_slack(self) -> dict[str, Any]:
        """The message as Slack puts it in an interaction payload."""
        shape: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text}
        shape |= {"user": self.user, "blocks": self.blocks}
        if self.user == BOT_USER_ID:
            shape |= {"bot_id": "BBOT", "subtype": "bot_message"}
        if self.thread_ts:
            shape["thread_ts"] = self.thread_ts
        return shape


@dataclass
class Reply:
    """Where an answer to a response_url goes."""

    user: str
    channel: str
    message_ts: str | None


@dataclass
class Workspace:
    """The state the page renders, and the changes the page's stream announces."""

    messages: dict[str, list[Message]] = field(default_factory=dict)
    modals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # user -> stack
    view_errors: dict[str, dict[str, str]] = field(default_factory=dict)  # view id -> errors
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)
    notices: dict[str, list[str]] = field(default_factory=dict)  # user -> refused views
    triggers: dict[str, str] = field(default_factory=dict)  # trigger_id -> user
    replies: dict[str, Reply] = field(default_factory=dict)  # response_url token -> where
    version: int = 0
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None

    # --- the stream ---------------------------------------------------------------------

    def changed(self) -> None:
        """Announce a change to every open page."""
        self.version += 1
        if self._changed is None:
            return
        condition = self._changed

        async def wake() -> None:
            async with condition:
                condition.notify_all()

        asyncio.get_running_loop().create_task(wake())

    async def wait_change(self, seen: int, seconds: float) -> int:
        """The version after `seen`, or `seen` again after `seconds` (a keep-alive)."""
        if self._changed is None:
            self._changed = asyncio.Condition()
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self.version != seen), seconds
                )
        return self.version

    # --- what the page reads --------------------------------------------------------------

    def channel_messages(self, channel: str, user: str) -> list[Message]:
        """Top-level messages of a channel that `user` sees, oldest first."""
        return [
            m
            for m in self.messages.get(channel, [])
            if m.thread_ts in (None, m.ts) and m.only_for in (None, user)
        ]

    def thread(self, channel: str, thread_ts: str, user: str) -> list[Message]:
        """Replies in a thread that `user` sees, oldest first."""
        return [
            m
            for m in self.messages.get(channel, [])
            if m.thread_ts == thread_ts and m.ts != thread_ts and m.only_for in (None, user)
        ]

    def find(self, channel: str, ts: str) -> Message | None:
        """The message `ts` in `channel`."""
        return next((m for m in self.messages.get(channel, []) if m.ts == ts), None)

    def top_view(self, user: str) -> dict[str, Any] | None:
        """The modal `user` looks at, if any."""
        stack = self.modals.get(user)
        return stack[-1] if stack else None

    # --- what the page does ---------------------------------------------------------------

    def post(self, message: Message) -> Message:
        """Add a message (the bot's or a person's)."""
        self.messages.setdefault(message.channel, []).append(message)
        self.changed()
        return message

    def next_ts(self) -> str:
        """A fresh message timestamp for a person's own message."""
        serial = next(self._serial)
        return f"1800000000.{serial:06d}"

    def close_modals(self, user: str, *, all_views: bool) -> None:
        """Close the top view (or the whole stack)."""
        stack = self.modals.get(user, [])
        if stack:
            del stack[(0 if all_views else -1) :]
        self.changed()

    def replace_top(self, user: str, view: dict[str, Any]) -> None:
        """A view_submission answered `update`: the same view id, new content."""
        stack = self.modals.get(user, [])
        if stack:
            view = {**stack[-1], **view, "id": stack[-1]["id"], "state": {"values": {}}}
            stack[-1] = view
            self.view_errors.pop(view["id"], None)
        self.changed()

    def push_view(self, user: str, view: dict[str, Any]) -> None:
        """A view_submission answered `push`."""
        view_id = f"VSB{next(self._serial):07d}"
        self.modals.setdefault(user, []).append({**view, "id": view_id})
        self.changed()

    def set_errors(self, view_id: str, errors: dict[str, str]) -> None:
        """A view_submission answered `errors`: shown under each field."""
        self.view_errors[view_id] = errors
        self.changed()

    # --- what the Web API saw -----------------------------------------------------------

    def observe(self, call: Call, body: dict[str, Any]) -> None:
        """Follow one call the bot made (a FakeSlack observer)."""
        if call.method == "response_url":
            self._response_url(call, body)
        elif body.get("ok") is not True:
            self._refused(call, body)
        else:
            self._accepted(call.method, call.args, body)

    def _accepted(self, method: str, args: dict[str, Any], body: dict[str, Any]) -> None:
        if method == "chat.postMessage":
            self.post(self._message(args, body["ts"]))
        elif method == "chat.postEphemeral":
            self.post(self._message(args, body["message_ts"], only_for=str(args["user"])))
        elif method == "chat.update":
            self._update(_channel(args), str(args["ts"]), args)
        elif method == "chat.delete":
            self._delete(_channel(args), str(args.get("ts")))
        elif method in ("views.open", "views.push"):
            user = self.triggers.get(str(args["trigger_id"]), "")
            stack = self.modals.setdefault(user, [])
            if method == "views.open":
                stack.clear()
            stack.append(body["view"])
            self.changed()
        elif method == "views.update":
            self._update_view(body["view"])
        elif method == "views.publish":
            self.homes[str(args["user_id"])] = body["view"]
            self.changed()

    def _refused(self, call: Call, body: dict[str, Any]) -> None:
        if not call.method.startswith(_SHOWN_METHODS):
            return
        reason = _reason(call.method, body)
        args = call.args
        if call.method.startswith("chat.") and args.get("channel"):
            refused = self._message(args, self.next_ts(), only_for=args.get("user"))
            refused.refusal = reason
            self.post(refused)
            return
        user = str(args.get("user_id") or self.triggers.get(str(args.get("trigger_id")), ""))
        for who in [user] if user else list(self.modals) or [""]:
            self.notices.setdefault(who, []).append(reason)
        self.changed()

    def _response_url(self, call: Call, body: dict[str, Any]) -> None:
        reply = self.replies.get(call.path.rsplit("/", 1)[-1])
        if reply is None:
            return
        args = call.args
        if body.get("ok") is not True:
            refused = Message(reply.channel, self.next_ts(), BOT_USER_ID, "", only_for=reply.user)
            refused.refusal = _reason("response_url", body)
            self.post(refused)
        elif args.get("delete_original") and reply.message_ts:
            self._delete(reply.channel, reply.message_ts)
        elif _truthy(args.get("replace_original")) and reply.message_ts:
            self._update(reply.channel, reply.message_ts, args)
        else:
            shared = args.get("response_type") == "in_channel"
            message = self._message(
                {**args, "channel": reply.channel}, self.next_ts(), None if shared else reply.user
            )
            self.post(message)

    def _message(self, args: dict[str, Any], ts: str, only_for: str | None = None) -> Message:
        blocks = args.get("blocks")
        thread_ts = args.get("thread_ts")
        return Message(
            channel=_channel(args),
            ts=ts,
            user=BOT_USER_ID,
            text=str(args.get("text") or ""),
            blocks=blocks if isinstance(blocks, list) else [],
            thread_ts=str(thread_ts) if thread_ts else None,
            only_for=only_for,
        )

    def _update(self, channel: str, ts: str, args: dict[str, Any]) -> None:
        message = self.find(channel, ts)
        if message is None:
            return
        message.text = str(args.get("text") or "")
        blocks = args.get("blocks")
        message.blocks = blocks if isinstance(blocks, list) else []
        message.refusal = None
        self.changed()

    def _delete(self, channel: str, ts: str) -> None:
        kept = [m for m in self.messages.get(channel, []) if m.ts != ts]
        self.messages[channel] = kept
        self.changed()

    def _update_view(self, view: dict[str, Any]) -> None:
        for stack in self.modals.values():
            for index, shown in enumerate(stack):
                if shown["id"] == view["id"]:
                    stack[index] = view
                    self.view_errors.pop(view["id"], None)
        for user, home in self.homes.items():
            if home["id"] == view["id"]:
                self.homes[user] = view
        self.changed()


def _channel(args: dict[str, Any]) -> str:
    channel = str(args.get("channel") or "")
    # A message posted to a user id lands in the bot's DM with them.
    return dm_channel(channel) if channel.startswith(("U", "W")) else channel


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _reason(method: str, body: dict[str, Any]) -> str:
    details = (body.get("response_metadata") or {}).get("messages") or body.get("errors") or []
    listed = "; ".join(str(d) for d in details)
    return f"Slack refused {method}: {body.get('error', 'error')}" + (
        f" ({listed})" if listed else ""
    )
