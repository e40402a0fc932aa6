"""A fake Slack Web API on loopback: records calls, enforces Slack's limits, injects failures."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import math
import socket
import struct
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from aiohttp import web

from bot.sandbox.answers import SAMPLES_DIR, VIEW_METHODS, DefaultAnswers
from bot.sandbox.limits import (
    SPEC_PATH,
    Rejection,
    check_arguments,
    check_message,
    check_view,
    decode_json_args,
    load_required_args,
)

# Messages Slack shows in notifications and screen readers only through `text`.
_NEEDS_FALLBACK = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
_TAKES_TRIGGER = frozenset({"views.open", "views.push"})


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    path: str = ""
    peer: str = ""  # the client's host:port: calls on one kept-alive connection share it
    # The client hung up while the call was held (see FakeSlack.hold): Slack never took it.
    dropped: bool = False
    refused: bool = False  # answered with an error (ok false, a 429 or an HTTP error)


@dataclass
class Hold:
    """A call the fake keeps unanswered until released: a request still on its way to Slack."""

    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    hung_up: asyncio.Event = field(default_factory=asyncio.Event)  # the client went away
    settled: asyncio.Event = field(default_factory=asyncio.Event)  # answered or dropped
    call: Call | None = None

    async def wait(self) -> Call:
        """The held call, once it has come in."""
        await self.arrived.wait()
        assert self.call is not None
        return self.call

    def release(self) -> None:
        """Let the call through: answered as usual, or dropped if its client has gone."""
        self.released.set()


@dataclass(frozen=True)
class _Fault:
    kind: Literal["error", "ratelimit", "slow", "http", "reset"]
    error: str = ""
    retry_after: int = 0
    seconds: float = 0.0
    status: int = 200


class FakeSlack:
    """Slack's Web API (and response_url) served by aiohttp on 127.0.0.1, for one test."""

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        team_domain: str = "backlog-test",
        spec_path: Path = SPEC_PATH,
        samples_dir: Path = SAMPLES_DIR,
        people: Mapping[str, str] | None = None,
        one_use_triggers: bool = False,
    ) -> None:
        self.team_id = team_id
        # Off by default: tests that replay one recorded payload reuse its trigger_id.
        self.one_use_triggers = one_use_triggers
        self.team_domain = team_domain
        self.calls: list[Call] = []
        self.warnings: list[str] = []
        self._required = load_required_args(spec_path)
        self._answers = DefaultAnswers(team_id, team_domain, samples_dir, people)
        # Called with each call and the body answered (the sandbox's page follows Slack's state).
        self.observers: list[Callable[[Call, dict[str, Any]], None]] = []
        self._faults: defaultdict[str, deque[_Fault]] = defaultdict(deque)
        self._overrides: dict[str, dict[str, Any]] = {}
        self._counts: Counter[str] = Counter()  # calls to each method so far
        self._holds: dict[tuple[str, int], Hold] = {}  # (method, ordinal of the call)
        self._used_triggers: set[str] = set()  # Slack takes each trigger_id once
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._stopping = asyncio.Event()
        self._pace: tuple[Callable[[], float], float] | None = None
        self._last_post: dict[str, float] = {}  # channel -> when it last took a message

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{token}", self._handle_response_url)
        # A short shutdown: a timed-out client has left, nobody waits for the answer.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._stopping.clear()

    async def stop(self) -> None:
        """Release slow answers and close the server."""
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner, self._port = None, None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What to pass as `AsyncWebClient(base_url=...)`."""
        return f"{self._origin}/api/"

    @property
    def response_url_base(self) -> str:
        """Prefix of response_url endpoints; append any token without a slash."""
        return f"{self._origin}/response/"

    def response_url(self, token: str = "abc") -> str:
        """A full response_url that records what is posted to it."""
        return f"{self.response_url_base}{token}"

    @property
    def _origin(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._port}"

    # --- what tests read -------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Every call to `method`, oldest first."""
        return [call for call in self.calls if call.method == method]

    def last(self, method: str) -> Call:
        """The latest call to `method`; AssertionError listing what was called if none."""
        calls = self.calls_to(method)
        if not calls:
            called = [call.method for call in self.calls] or "nothing"
            raise AssertionError(f"no call to {method}; called: {called}")
        return calls[-1]

    def reset(self) -> None:
        """Forget calls, warnings, queued failures, holds and response overrides."""
        self.calls.clear()
        self.warnings.clear()
        self._faults.clear()
        self._overrides.clear()
        self._counts.clear()
        self._used_triggers.clear()
        for hold in self._holds.values():
            hold.release()
        self._holds.clear()

    # --- what tests arrange ----------------------------------------------------------

    def fail_next(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        """Answer the next `times` calls with `{"ok": false, "error": error}`."""
        self._queue(method, _Fault("error", error=error), times)

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls with HTTP 429 and `Retry-After`."""
        self._queue(method, _Fault("ratelimit", retry_after=retry_after, status=429), times)

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Wait `seconds` before answering the next `times` calls."""
        self._queue(method, _Fault("slow", seconds=seconds), times)

    def http_error_next(self, method: str, status: int = 500, times: int = 1) -> None:
        """Answer the next `times` calls with an HTTP error status."""
        self._queue(method, _Fault("http", status=status), times)

    def reset_next(self, method: str, times: int = 1) -> None:
        """Drop the connection of the next `times` calls without answering (a TCP reset)."""
        self._queue(method, _Fault("reset"), times)

    def hold(self, method: str, nth: int = 1) -> Hold:
        """Keep the `nth` call to `method` from now on (1: the next) unanswered until released.

        A client that hangs up meanwhile (a killed process) never gets an answer, and the call
        is marked `dropped`: Slack did not take it. Stopping the fake releases every hold.
        """
        hold = Hold()
        self._holds[(method, self._counts[method] + nth)] = hold
        return hold

    def pace_channels(
        self, clock: Callable[[], float] = time.monotonic, interval: float = 1.0
    ) -> None:
        """Keep Slack's pace from now on: a chat.postMessage to a channel sooner than
        `interval` after the last one it took gets HTTP 429 with `Retry-After` (whole seconds,
        as Slack sends). Opt-in, with the test's `clock`, so other tests stay fast."""
        self._pace = (clock, interval)

    def set_response(self, method: str, payload: dict[str, Any]) -> None:
        """Answer every successful call to `method` with `payload` (ok defaults to true)."""
        self._overrides[method] = {"ok": True, **payload}

    def _queue(self, method: str, fault: _Fault, times: int) -> None:
        self._faults[method].extend([fault] * times)

    # --- HTTP ------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args, bad_json = await _read_args(request)
        call = Call(method, args, dict(request.headers), request.path, _peer(request))
        self.calls.append(call)
        self._counts[method] += 1
        hold = self._holds.pop((method, self._counts[method]), None)
        if hold is not None and not await self._held(hold, call, request):
            return _json(Rejection("request_dropped").body())  # nobody is there to read it
        response = await self._answer_api(method, args, bad_json, request)
        call.refused = _refused(response)
        self._notify(call, response)
        return response

    async def _answer_api(
        self, method: str, args: dict[str, Any], bad_json: Rejection | None, request: web.Request
    ) -> web.Response:
        fault = await self._take_fault(method, request)
        if fault is not None:
            return fault
        too_soon = self._too_soon(method, args)
        if too_soon is not None:
            return too_soon
        if method not in self._required:
            return _json(Rejection("unknown_method").body())
        if not _has_token(request, args):
            return _json(Rejection("not_authed").body())
        rejection = bad_json or self._check(method, args)
        if rejection is not None:
            return _json(rejection.body())
        if method in self._overrides:
            return _json(copy.deepcopy(self._overrides[method]))
        return _json(self._answers.answer(method, args))

    def _too_soon(self, method: str, args: dict[str, Any]) -> web.Response | None:
        if self._pace is None or method != "chat.postMessage":
            return None
        clock, interval = self._pace
        channel, now = str(args.get("channel")), clock()
        last = self._last_post.get(channel)
        if last is not None and now - last < interval:
            wait = max(1, math.ceil(interval - (now - last)))
            headers = {"Retry-After": str(wait)}
            return _json({"ok": False, "error": "ratelimited"}, status=429, headers=headers)
        self._last_post[channel] = now
        return None

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        args, bad_json = await _read_args(request)
        headers, peer = dict(request.headers), _peer(request)
        call = Call("response_url", args, headers, request.path, peer)
        self.calls.append(call)
        fault = await self._take_fault("response_url", request)
        if fault is not None:
            return fault
        rejection = bad_json or check_message(args)
        response = _json({"ok": True})
        if rejection is not None:
            response = _json(rejection.body(), status=400)
        self._notify(call, response)
        return response

    def _notify(self, call: Call, response: web.Response) -> None:
        if not self.observers or not isinstance(response.body, bytes):
            return
        body = json.loads(response.body)
        for observer in self.observers:
            observer(call, body)

    async def _held(self, hold: Hold, call: Call, request: web.Request) -> bool:
        """Wait for the release (or the fake's stop); False if the client has gone meanwhile."""
        hold.call = call
        hold.arrived.set()
        waits = [
            asyncio.ensure_future(hold.released.wait()),
            asyncio.ensure_future(self._stopping.wait()),
            asyncio.ensure_future(_hang_up(request, hold.hung_up)),
        ]
        try:
            await asyncio.wait(waits[:2], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        call.dropped = _gone(request)
        hold.settled.set()
        return not call.dropped

    async def _take_fault(self, method: str, request: web.Request) -> web.Response | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue.popleft()
        if fault.kind == "slow":
            # Waiting on the stop event lets stop() release answers nobody waits for.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), fault.seconds)
            return None
        if fault.kind == "ratelimit":
            headers = {"Retry-After": str(fault.retry_after)}
            return _json({"ok": False, "error": "ratelimited"}, status=429, headers=headers)
        if fault.kind == "http":
            return _json({"ok": False, "error": "fatal_error"}, status=fault.status)
        if fault.kind == "reset":
            _reset(request)
        return _json(Rejection(fault.error).body())

    def _check(self, method: str, args: dict[str, Any]) -> Rejection | None:
        rejection = check_arguments(method, args, self._required[method])
        if rejection is None and method in VIEW_METHODS:
            rejection = check_view(args["view"])
        if rejection is None and (method.startswith("chat.") or "blocks" in args):
            rejection = check_message(args)
        if rejection is None and method in _NEEDS_FALLBACK:
            self._warn_without_fallback(method, args)
        if rejection is None and self.one_use_triggers and method in _TAKES_TRIGGER:
            rejection = self._use_trigger(str(args["trigger_id"]))
        return rejection

    def _use_trigger(self, trigger_id: str) -> Rejection | None:
        # Slack: a trigger_id opens (or pushes) one view; a second use answers this error.
        if trigger_id in self._used_triggers:
            return Rejection("exchanged_trigger_id")
        self._used_triggers.add(trigger_id)
        return None

    def _warn_without_fallback(self, method: str, args: dict[str, Any]) -> None:
        if args.get("blocks") and not str(args.get("text") or "").strip():
            self.warnings.append(f"{method} to {args.get('channel')}: blocks without `text`")


async def _read_args(request: web.Request) -> tuple[dict[str, Any], Rejection | None]:
    """Merge query string, form and JSON body (the spec and slack_sdk disagree on which)."""
    args: dict[str, Any] = dict(request.query)
    if request.can_read_body and request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            return args, Rejection("invalid_json")
        args.update(body if isinstance(body, dict) else {})
    elif request.can_read_body:
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    return args, decode_json_args(args)


def _refused(response: web.Response) -> bool:
    """Whether the answer says no: an HTTP error, or a body whose `ok` is not true."""
    if response.status != 200 or not isinstance(response.body, bytes):
        return True
    body = json.loads(response.body)
    return not (isinstance(body, dict) and body.get("ok") is True)


def _gone(request: web.Request) -> bool:
    # aiohttp lets go of the transport once the peer's socket closes (a killed process's does).
    return request.transport is None or request.transport.is_closing()


async def _hang_up(request: web.Request, hung_up: asyncio.Event) -> None:
    """Set `hung_up` once the client of `request` has gone (aiohttp has no callback for it)."""
    while not _gone(request):  # noqa: ASYNC110 - nothing to wait on but the transport itself
        await asyncio.sleep(0.01)
    hung_up.set()


def _reset(request: web.Request) -> None:
    """Close the connection at once with a TCP RST (no linger): the client reads no answer."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def _peer(request: web.Request) -> str:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return f"{peer[0]}:{peer[1]}" if peer else ""


def _has_token(request: web.Request, args: dict[str, Any]) -> bool:
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else args.get("token")
    # xox* are bot/user tokens; xapp- is the app-level token of apps.connections.open.
    return isinstance(token, str) and token.startswith(("xox", "xapp-"))


def _json(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(body, status=status, headers=headers)
