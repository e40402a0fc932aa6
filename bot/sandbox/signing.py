"""Signed requests shaped like Slack's, to drive a Bolt app through its real HTTP stack."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack
from urllib.parse import parse_qsl, urlencode

from bot.sandbox.payloads import (
    Workspace,
    app_home_opened_event,
    channel,
    event_envelope,
    home_view,
    interaction,
    message_origin,
    modal_view,
    slash_command_form,
    view_origin,
)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# The signing secret every test bot is configured with.
SIGNING_SECRET = "test-signing-secret"


def sign(secret: str, timestamp: str, body: str) -> str:
    """Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Forge(TypedDict, total=False):
    """Ways to spoil a request: an old `timestamp`, or a signature made with another secret."""

    timestamp: int | str
    bad_signature: bool


@dataclass(frozen=True)
class SignedRequest:
    """A raw body with the headers Slack would send along."""

    body: str
    headers: dict[str, str]
    content_type: str

    def payload(self) -> dict[str, Any]:
        """The body decoded: an interactivity `payload`, the form of a command, or the JSON."""
        if self.content_type == JSON:
            decoded: dict[str, Any] = json.loads(self.body)
            return decoded
        form = dict(parse_qsl(self.body, keep_blank_values=True))
        return json.loads(form["payload"]) if set(form) == {"payload"} else dict(form)


class SlackRequests:
    """Builds signed commands, interactions and events for one workspace."""

    def __init__(
        self,
        signing_secret: str,
        response_url_base: str | None = None,
        team_id: str = "T0001",
        *,
        team_domain: str = "backlog-test",
        api_app_id: str = "A0001",
        verification_token: str = "legacy-verification-token",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.signing_secret = signing_secret
        self.response_url_base = response_url_base
        self.workspace = Workspace(team_id, team_domain, api_app_id, verification_token)
        self.clock = clock
        self._serial = itertools.count(1)

    def slash_command(
        self,
        text: str,
        user_id: str = "U111",
        channel_id: str = "C111",
        command: str = "/backlog",
        trigger_id: str | None = None,
        **forge: Unpack[Forge],
    ) -> SignedRequest:
        """A slash command, form-encoded like Slack's."""
        response_url = self._response_url("commands")
        trigger_id = trigger_id or self._trigger_id()
        form = slash_command_form(
            self.workspace, text, user_id, channel_id, command, response_url, trigger_id
        )
        return self._signed(urlencode(form), FORM, **forge)

    def block_actions(
        self,
        action_id: str,
        value: str | None = None,
        user_id: str = "U111",
        block_id: str = "actions",
        channel_id: str = "C111",
        message_ts: str = "1700000000.000100",
        view: dict[str, Any] | None = None,
        container: dict[str, Any] | None = None,
        trigger_id: str | None = None,
        *,
        action: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        **forge: Unpack[Forge],
    ) -> SignedRequest:
        """A button click in a message, or in `view`; other elements: pass `action` fields."""
        clicked = {
            "type": "button",
            "action_id": action_id,
            "block_id": block_id,
            "text": {"type": "plain_text", "text": action_id, "emoji": True},
            "action_ts": self._now_ts(),
            **({"value": value} if value is not None else {}),
            **(action or {}),
        }
        payload = {
            **interaction(self.workspace, "block_actions", user_id),
            "trigger_id": trigger_id or self._trigger_id(),
            **self._origin(view, container, channel_id, message_ts, message),
            "actions": [clicked],
        }
        return self._signed_payload(payload, **forge)

    def block_suggestion(
        self,
        action_id: str,
        value: str,
        user_id: str = "U111",
        block_id: str = "search",
        channel_id: str = "C111",
        message_ts: str = "1700000000.000100",
        view: dict[str, Any] | None = None,
        **forge: Unpack[Forge],
    ) -> SignedRequest:
        """An options request from an external_select while the user types `value`."""
        origin = self._origin(view, None, channel_id, message_ts, None)
        origin.pop("response_url", None)  # options requests carry no response_url
        payload = {
            **interaction(self.workspace, "block_suggestion", user_id),
            **origin,
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
        }
        return self._signed_payload(payload, **forge)

    def view_submission(
        self,
        callback_id: str,
        state_values: dict[str, Any],
        private_metadata: str = "",
        user_id: str = "U111",
        view_id: str = "V0000000001",
        hash: str = "1700000000.0a1b2c3d",
        *,
        blocks: list[dict[str, Any]] | None = None,
        **forge: Unpack[Forge],
    ) -> SignedRequest:
        """A modal submitted with `state_values` ({block_id: {action_id: {type, value...}}})."""
        view = modal_view(
            self.workspace, callback_id, state_values, private_metadata, view_id, hash, blocks
        )
        payload = {
            **interaction(self.workspace, "view_submission", user_id),
            "trigger_id": self._trigger_id(),
            "view": view,
            "response_urls": [],
            "is_cleared": False,
        }
        return self._signed_payload(payload, **forge)

    def view_closed(
        self,
        callback_id: str,
        private_metadata: str = "",
        user_id: str = "U111",
        view_id: str = "V0000000001",
        hash: str = "1700000000.0a1b2c3d",
        is_cleared: bool = False,
        **forge: Unpack[Forge],
    ) -> SignedRequest:
        """A modal closed with its Cancel button (sent only with notify_on_close)."""
        view = modal_view(self.workspace, callback_id, {}, private_metadata, view_id, hash)
        payload = {
            **interaction(self.workspace, "view_closed", user_id),
            "view": view,
            "is_cleared": is_cleared,
        }
        return self._signed_payload(payload, **forge)

    def message_shortcut(
        self,
        callback_id: str,
        message_text: str,
        message_user: str = "U222",
        message_ts: str = "1700000000.000200",
        bot_id: str | None = None,
        channel_id: str = "C111",
        user_id: str = "U111",
        **forge: Unpack[Forge],
    ) -> SignedRequest:
        """The "More actions" menu of a message (`message_action`)."""
        message: dict[str, Any] = {
            "type": "message",
            "user": message_user,
            "ts": message_ts,
            "text": message_text,
            **({"bot_id": bot_id, "subtype": "bot_message"} if bot_id else {}),
        }
        payload = {
            **interaction(self.workspace, "message_action", user_id),
            "callback_id": callback_id,
            "trigger_id": self._trigger_id(),
            "message_ts": message_ts,
            "response_url": self._response_url("actions"),
            "message": message,
            "channel": channel(channel_id),
            "action_ts": self._now_ts(),
        }
        return self._signed_payload(payload, **forge)

    def global_shortcut(
        self, callback_id: str, user_id: str = "U111", **forge: Unpack[Forge]
    ) -> SignedRequest:
        """A shortcut from the composer or search (`shortcut`)."""
        payload = {
            **interaction(self.workspace, "shortcut", user_id),
            "callback_id": callback_id,
            "trigger_id": self._trigger_id(),
            "action_ts": self._now_ts(),
        }
        return self._signed_payload(payload, **forge)

    def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        *,
        retry_reason: str = "http_timeout",
        **forge: Unpack[Forge],
    ) -> SignedRequest:
        """An `event_callback` envelope; `retry_num` marks one of Slack's redeliveries."""
        # Unique like Slack's: the bot handles each event_id once
        # (bot.services.core.event_receipts).
        event_id = event_id or f"Ev{next(self._serial):04d}{secrets.token_hex(4).upper()}"
        envelope = event_envelope(self.workspace, event, event_id, int(self.clock()))
        retry = {}
        if retry_num is not None:
            retry = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self._signed(json.dumps(envelope), JSON, retry, **forge)

    def app_home_opened(
        self,
        user_id: str = "U111",
        tab: str = "home",
        private_metadata: str | None = None,
        channel_id: str = "D0HOME001",
        **forge: Unpack[Forge],
    ) -> SignedRequest:
        """The user opened the app's Home (or Messages) tab; with `private_metadata`, a Home
        view was published before and Slack echoes it."""
        view = None if private_metadata is None else self.home_view(private_metadata)
        event = app_home_opened_event(user_id, channel_id, tab, view, self._now_ts())
        return self.event(event, **forge)

    def home_view(
        self, private_metadata: str = "", blocks: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """The published Home tab, to pass as `view` of block_actions clicked in it."""
        return home_view(self.workspace, private_metadata, blocks=blocks)

    def url_verification(self, challenge: str, **forge: Unpack[Forge]) -> SignedRequest:
        """The handshake Slack sends when the Request URL is saved."""
        token = self.workspace.verification_token
        body = {"token": token, "challenge": challenge, "type": "url_verification"}
        return self._signed(json.dumps(body), JSON, **forge)

    def replaced(self, request: SignedRequest, payload: dict[str, Any]) -> SignedRequest:
        """`request` carrying `payload` instead (encoded the same way), signed anew."""
        if request.content_type == JSON:
            return self._signed(json.dumps(payload), JSON)
        if "payload" in dict(parse_qsl(request.body)):
            return self._signed_payload(payload)
        return self._signed(urlencode(payload), FORM)

    def _origin(
        self,
        view: dict[str, Any] | None,
        container: dict[str, Any] | None,
        channel_id: str,
        message_ts: str,
        message: dict[str, Any] | None,
    ) -> dict[str, Any]:
        if view is not None:
            return view_origin(view, container)
        url = self._response_url("actions")
        return message_origin(channel_id, message_ts, message, container, url)

    def _signed_payload(self, payload: dict[str, Any], **forge: Unpack[Forge]) -> SignedRequest:
        return self._signed(urlencode({"payload": json.dumps(payload)}), FORM, **forge)

    def _signed(
        self,
        body: str,
        content_type: str,
        extra_headers: dict[str, str] | None = None,
        **forge: Unpack[Forge],
    ) -> SignedRequest:
        timestamp = forge.get("timestamp")
        stamp = str(int(self.clock()) if timestamp is None else timestamp)
        secret = self.signing_secret + ("-forged" if forge.get("bad_signature") else "")
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(secret, stamp, body),
            **(extra_headers or {}),
        }
        return SignedRequest(body, headers, content_type)

    def _response_url(self, kind: str) -> str:
        serial = next(self._serial)
        if self.response_url_base is not None:
            return f"{self.response_url_base}{kind}-{serial}"
        return f"https://hooks.slack.com/{kind}/{self.workspace.team_id}/{serial}/fake"

    def _trigger_id(self) -> str:
        # Shaped like Slack's: two numbers and a random hex part.
        return f"{next(self._serial)}{int(self.clock())}.47445629121.{secrets.token_hex(16)}"

    def _now_ts(self) -> str:
        return f"{self.clock():.6f}"
