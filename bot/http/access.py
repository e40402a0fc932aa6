"""One access line and one metrics sample per Slack or API request, refusals included.

A line names the surface, the kind of request, what it was about (a command, an action id, a
callback id, an event type, an API path), who sent it (a Slack user id, an API client's
address), the status and the milliseconds; a refusal adds its reason ("refused 401: invalid
signature"). Never a token, a signature or a payload.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.http.metrics import Metrics

log = logging.getLogger("bot.access")
# Kinds of Slack request, as metric labels; anything else is "other" (labels stay few).
SLACK_KINDS = frozenset(
    {
        "command",
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "event",
        "url_verification",
        "unknown",  # refused before the payload was read (size, signature)
    }
)
# Refusals echo at most this much of a response body (its JSON "error").
_MAX_REASON_BODY = 4096
_STATE_KEY = "access"


@dataclass(frozen=True)
class Caller:
    """What a request was about and who sent it, as far as the edge could tell."""

    kind: str = "unknown"  # a Slack payload type ("command", "block_actions"…) or an API route
    subject: str = "-"  # command, action id, callback id, event type or API path
    who: str = "user=-"  # "user=U123" or "client=10.0.0.7"
    refusal: str | None = None  # the edge's own reason, more precise than the response body


def slack_caller(body: Mapping[str, Any]) -> Caller:
    """Read kind, subject and user from a Slack payload (a command, interaction or event)."""
    if isinstance(body.get("command"), str):
        return Caller("command", body["command"], _user(body.get("user_id")))
    kind = body["type"][:40] if isinstance(body.get("type"), str) else "unknown"
    user = body.get("user")
    who = _user(user.get("id") if isinstance(user, dict) else None)
    if kind == "event_callback":
        event = _mapping(body.get("event"))
        return Caller("event", _text(event.get("type")), _user(event.get("user")))
    if kind == "block_actions":
        actions = body.get("actions")
        first = actions[0] if isinstance(actions, list) and actions else {}
        subject = first.get("action_id") if isinstance(first, dict) else None
        return Caller(kind, _text(subject), who)
    if kind in ("view_submission", "view_closed"):
        view = _mapping(body.get("view"))
        return Caller(kind, _text(view.get("callback_id")), who)
    if kind == "block_suggestion":
        return Caller(kind, _text(body.get("action_id")), who)
    return Caller(kind if kind in SLACK_KINDS else "other", _text(body.get("callback_id")), who)


def note_caller(scope: Scope, caller: Caller) -> None:
    """Tell the access log what the edge learnt about this request."""
    scope.setdefault("state", {})[_STATE_KEY] = caller


class AccessRecorder:
    """Writes the access line and feeds the request metrics; shared by HTTP and Socket Mode."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def record(
        self, surface: str, caller: Caller, status: int, seconds: float, reason: str | None
    ) -> None:
        kind = caller.kind if surface != "slack" or caller.kind in SLACK_KINDS else "other"
        self._metrics.request(surface, kind, status, seconds)
        ms = round(seconds * 1000, 1)
        fields = {
            "surface": surface,
            "kind": caller.kind,
            "subject": caller.subject,
            "who": caller.who,
            "status": status,
            "ms": ms,
        }
        head = f"{surface} {caller.kind} {caller.subject} {caller.who}"
        if status < 400:
            log.info("%s %d %.1fms", head, status, ms, extra=fields)
            return
        verdict = "failed" if status >= 500 and status != 503 else "refused"
        fields["reason"] = reason or ""
        level = logging.WARNING if status == 401 or status >= 500 else logging.INFO
        because = f": {reason}" if reason else ""
        log.log(level, "%s %s %d%s %.1fms", head, verdict, status, because, ms, extra=fields)


class AccessLog:
    """ASGI middleware around /slack/events and /api/: times each request and records it."""

    def __init__(self, app: ASGIApp, recorder: AccessRecorder) -> None:
        self._app = app
        self._recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        surface = _surface(scope)
        if surface is None:
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        seen = _Response()

        async def watch(message: Message) -> None:
            seen.see(message)
            await send(message)

        try:
            await self._app(scope, receive, watch)
        finally:
            caller = scope.get("state", {}).get(_STATE_KEY) or _api_caller(scope, surface)
            status = seen.status or 500  # nothing sent: the app raised
            reason = caller.refusal or seen.reason()
            self._recorder.record(surface, caller, status, time.perf_counter() - started, reason)


class _Response:
    """The status of a response and, for an error, the start of its body."""

    def __init__(self) -> None:
        self.status = 0
        self._body = b""

    def see(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
        elif message["type"] == "http.response.body" and self.status >= 400:
            self._body = (self._body + bytes(message.get("body", b"")))[:_MAX_REASON_BODY]

    def reason(self) -> str | None:
        """The JSON "error" every refusal of this app carries, if there is one."""
        try:
            error = json.loads(self._body[:_MAX_REASON_BODY]).get("error")
        except (ValueError, AttributeError):
            return None
        return str(error) if error else None


def _surface(scope: Scope) -> str | None:
    if scope["type"] != "http":
        return None
    path = str(scope.get("path", ""))
    if path == "/slack/events":
        return "slack"
    if path.startswith("/api/"):
        return "api"
    return None


def _api_caller(scope: Scope, surface: str) -> Caller:
    client = scope.get("client")
    who = f"client={client[0]}" if client else "client=-"
    if surface == "slack":  # refused before the payload was read
        return Caller("unknown", "-", "user=-")
    method, path = str(scope.get("method", "")), str(scope.get("path", ""))
    return Caller(_api_route(method, path), f"{method} {path}", who)


def _api_route(method: str, path: str) -> str:
    """A bounded name for the route, as a metric label."""
    if path == "/api/orders":
        return {"POST": "post_orders", "GET": "list_orders"}.get(method, "other")
    if path.startswith("/api/orders/") and method == "GET":
        return "get_order"
    if path == "/api/openapi.json":
        return "openapi"
    return "other"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _user(value: Any) -> str:
    return f"user={value}" if isinstance(value, str) and value else "user=-"


def _text(value: Any) -> str:
    # Ids are short; a hostile payload's field is cut before it reaches the log.
    return value[:80] if isinstance(value, str) and value else "-"
