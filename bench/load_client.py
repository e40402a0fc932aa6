"""Load generator of the soak benchmark: signed Slack requests from a process of its own.

Open loop (the default): request i is due at start + i / rate whatever became of the earlier
ones, and its latency counts from that due time, so a stalled server shows up as latency rather
than as fewer requests (no coordinated omission). Closed loop (`--in-flight N`) keeps N requests
outstanding, to find the most one server process answers. Prints one JSON line per window
(requests completed in it) and a last line with every request of the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.blocks.kit import ids
from bot.blocks.orders.listings import PageRequest
from bot.sandbox.signing import SignedRequest, SlackRequests

# Slack shows the user an error when the ack takes longer than this.
ACK_DEADLINE_S = 3.0
# What people do most: look an order up; list late and own orders; click in those lists.
MIX = {"lookup": 35, "late": 15, "mine": 15, "open": 25, "next": 10}
OWNERS = 200  # bench/generate.py spreads orders over owners U00000000..U00000199
Emit = Callable[[dict[str, Any]], None]


class Traffic:
    """Builds the next signed request of the mix (Slack's kinds, random existing orders)."""

    def __init__(
        self, requests: SlackRequests, rows: int, seed: int = 1, mix: dict[str, int] = MIX
    ) -> None:
        self._requests = requests
        self._rows = rows
        self._rng = random.Random(seed)
        self._kinds = list(mix)
        self._weights = list(mix.values())

    def next(self) -> tuple[str, SignedRequest]:
        kind = self._rng.choices(self._kinds, self._weights)[0]
        return kind, self.build(kind)

    def build(self, kind: str) -> SignedRequest:
        """One request of `kind` (a key of MIX)."""
        slack = self._requests
        if kind == "lookup":
            return slack.slash_command(self._order_id())
        if kind == "late":
            return slack.slash_command("late")
        if kind == "mine":
            return slack.slash_command("mine", user_id=self._owner())
        if kind == "open":
            order_id = self._order_id()
            block = f"order:{order_id}"
            return slack.block_actions(ids.OPEN_ORDER_ACTION, order_id, block_id=block)
        # People page forward through the first few pages of a listing.
        listing, query = self._rng.choice([("late", ""), ("mine", self._owner())])
        page = PageRequest(listing, query, 10 * self._rng.randint(1, 5))
        return slack.block_actions(
            ids.LIST_NEXT_ACTION, page.encode(), block_id=ids.LIST_PAGING_BLOCK
        )

    def _order_id(self) -> str:
        return f"SO-{self._rng.randrange(self._rows):08d}"

    def _owner(self) -> str:
        return f"U{self._rng.randrange(OWNERS):08d}"


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not sorted_values:
        return 0.0
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


@dataclass
class Tally:
    """Requests completed over some span: latencies (seconds), failures, scheduling lag."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    late_start_s: float = 0.0  # the most a request left after its due time (client overload)

    def add(self, latency: float, ok: bool, late_start: float) -> None:
        self.latencies.append(latency)
        self.errors += 0 if ok and latency <= ACK_DEADLINE_S else 1
        self.late_start_s = max(self.late_start_s, late_start)

    def summary(self, seconds: float) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        count = len(ordered)
        return {
            "seconds": round(seconds, 3),
            "requests": count,
            "rps": count / seconds if seconds > 0 else 0.0,
            "p50_ms": percentile(ordered, 0.50) * 1000,
            "p99_ms": percentile(ordered, 0.99) * 1000,
            "max_ms": (ordered[-1] if ordered else 0.0) * 1000,
            "errors": self.errors,
            "error_rate": self.errors / count if count else 0.0,
            "late_start_ms": self.late_start_s * 1000,
        }


class Load:
    """Sends the traffic to one Slack endpoint and tallies what comes back."""

    def __init__(self, http: aiohttp.ClientSession, url: str, traffic: Traffic) -> None:
        self._http, self._url, self._traffic = http, url, traffic
        self.window, self.total = Tally(), Tally()
        self.window_started = asyncio.get_running_loop().time()
        self.by_kind: dict[str, Tally] = defaultdict(Tally)
        self.failures: dict[str, int] = {}

    async def send(self, due: float) -> None:
        loop = asyncio.get_running_loop()
        late_start = loop.time() - due
        kind, request = self._traffic.next()
        ok = await self._post(kind, request)
        latency = loop.time() - due
        self.window.add(latency, ok, late_start)
        self.total.add(latency, ok, late_start)
        self.by_kind[kind].add(latency, ok, late_start)

    async def _post(self, kind: str, request: SignedRequest) -> bool:
        try:
            async with self._http.post(self._url, data=request.body, headers=request.headers) as r:
                await r.read()
                status = str(r.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            status = type(exc).__name__
        if status != "200":
            key = f"{kind} {status}"
            self.failures[key] = self.failures.get(key, 0) + 1
        return status == "200"


async def open_loop(load: Load, rate: float, seconds: float) -> None:
    """Start a request every 1/rate seconds, never waiting for answers; then wait for all."""
    loop = asyncio.get_running_loop()
    start, pending = loop.time(), set[asyncio.Task[None]]()
    for n in range(int(rate * seconds)):
        due = start + n / rate
        if (delay := due - loop.time()) > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(load.send(due))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)


async def closed_loop(load: Load, in_flight: int, seconds: float) -> None:
    """Keep `in_flight` requests outstanding for `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds

    async def worker() -> None:
        while (now := loop.time()) < deadline:
            await load.send(now)

    await asyncio.gather(*(worker() for _ in range(in_flight)))


async def report_windows(load: Load, window_s: float, emit: Emit) -> None:
    """Every `window_s`, emit what completed since the last window (until cancelled)."""
    loop = asyncio.get_running_loop()
    started = load.window_started
    while True:
        await asyncio.sleep(window_s - (loop.time() - started) % window_s)
        emit_window(load, started, emit)


def emit_window(load: Load, started: float, emit: Emit) -> None:
    """Emit the current window's tally and start the next one."""
    now = asyncio.get_running_loop().time()
    tally, seconds = load.window, now - load.window_started
    load.window, load.window_started = Tally(), now
    emit({"kind": "window", "at_s": round(now - started, 1), **tally.summary(seconds)})


def parse_mix(text: str) -> dict[str, int]:
    """`lookup=35,late=15`: the kinds of request (keys of MIX) and their weights."""
    mix = {
        kind: int(weight) for kind, _, weight in (part.partition("=") for part in text.split(","))
    }
    if not set(mix) <= set(MIX):
        raise SystemExit(f"--mix: kinds are {', '.join(MIX)}")
    return mix


def emit(line: dict[str, Any]) -> None:
    print(json.dumps(line), flush=True)


async def run(args: argparse.Namespace) -> None:
    requests = SlackRequests(args.secret, response_url_base=args.response_url_base)
    traffic = Traffic(requests, args.rows, args.seed, parse_mix(args.mix))
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=0)  # open loop: never queue in the client
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        load = Load(http, f"{args.url}/slack/events", traffic)
        started = load.window_started
        reporter = asyncio.create_task(report_windows(load, args.window, emit))
        if args.in_flight:
            await closed_loop(load, args.in_flight, args.duration)
        else:
            await open_loop(load, args.rate, args.duration)
        reporter.cancel()
        if load.window.latencies:  # what completed after the last full window
            emit_window(load, started, emit)
        elapsed = asyncio.get_running_loop().time() - started
        by_kind = {kind: tally.summary(elapsed) for kind, tally in load.by_kind.items()}
        total = load.total.summary(elapsed)
        emit({"kind": "total", **total, "failures": load.failures, "by_kind": by_kind})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load_client")
    parser.add_argument("url", help="the app's origin, e.g. http://127.0.0.1:3000")
    parser.add_argument("--secret", required=True, help="the app's signing secret")
    parser.add_argument("--response-url-base", required=True, help="FakeSlack response_url base")
    parser.add_argument("--rows", type=int, required=True, help="orders SO-00000000.. exist")
    parser.add_argument("--rate", type=float, default=200.0, help="open loop: requests/s")
    parser.add_argument("--in-flight", type=int, default=0, help="closed loop with N in flight")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--window", type=float, default=30.0, help="seconds per report line")
    parser.add_argument("--seed", type=int, default=1)
    default_mix = ",".join(f"{kind}={weight}" for kind, weight in MIX.items())
    parser.add_argument("--mix", default=default_mix, help="kinds of request and their weights")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
