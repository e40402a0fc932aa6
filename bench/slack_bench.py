"""Slash-command benchmark: `/backlog ORDER_ID` and `/backlog late` through the whole HTTP stack.

The bot (`backlog-bot run`) and a baseline Bolt app that only acks run as separate processes on
loopback; this process signs requests like Slack and measures latency and throughput. Latency is
measured in alternating blocks (25 requests to the baseline, then 25 to the bot), so every ratio
compares two servers under the same load at the same moments.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from bench.generate import generate
from bench.import_bench import DATA, PG_ADMIN
from bot.sandbox.signing import SignedRequest, SlackRequests
from bot.sandbox.web_api import FakeSlack

SECRET = "bench-signing-secret"
LATENCY_REQUESTS = 1000
WARM_UP = 200  # requests to each server before measuring
BLOCK = 25  # sequential requests to one server before switching to the other
THROUGHPUT_REQUESTS = 2000
CONCURRENCY = 16


@dataclass(frozen=True)
class Figures:
    """Latency (sequential requests) and throughput (CONCURRENCY in flight)."""

    p50_ms: float
    p99_ms: float
    rps: float


async def seeded_database(backend: str, rows: int) -> str:
    """A database with `rows` generated orders, imported once and reused by later runs."""
    csv_path = generate(DATA / f"orders-{rows}.csv", rows)
    if backend == "postgresql":
        url = make_url(PG_ADMIN).set(database=f"backlog_bench_lookup_{rows}")
        url_text = url.render_as_string(hide_password=False)
        fresh = await _ensure_pg_database(url.database or "")
    else:
        path = DATA / f"lookup-{rows}.db"
        url_text = f"sqlite:///{path}"
        fresh = not path.exists()
    marker = DATA / f"lookup-{backend}-{rows}.seeded"
    if fresh or not marker.exists():
        env = {**os.environ, "DATABASE_URL": url_text}
        command = [sys.executable, "-m", "bot", "import", str(csv_path)]
        await asyncio.to_thread(subprocess.run, command, env=env, check=True)
        marker.write_text("ok")
    return url_text


async def _ensure_pg_database(name: str) -> bool:
    admin = await asyncpg.connect(PG_ADMIN)
    exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    if not exists:
        await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    return not exists


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.DEVNULL)


async def _ready(url: str) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        for _ in range(600):
            try:
                await http.post(f"{url}/slack/events", content=b"")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not start")


Maker = Callable[[], SignedRequest]


async def _post(http: httpx.AsyncClient, make: Maker) -> float:
    request = make()
    started = time.perf_counter()
    response = await http.post("/slack/events", content=request.body, headers=request.headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code}: {response.text[:200]}")
    return elapsed


async def measure(
    url: str, make: Maker, base_url: str, base_make: Maker
) -> tuple[Figures, Figures]:
    """The request's figures and the baseline's, from the same stretch of time.

    Latency: LATENCY_REQUESTS sequential requests to each, in alternating blocks of BLOCK
    (baseline first), so that both meet the same machine (a shared 2-core machine's load
    changes by the second) while each stays warm within its block, as under steady traffic.
    Throughput: CONCURRENCY in flight, each server on its own, baseline first.
    """
    async with (
        httpx.AsyncClient(base_url=url, trust_env=False, timeout=30) as http,
        httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=30) as base,
    ):
        for _ in range(WARM_UP):  # connections, auth.test, caches, the database's pages
            await _post(base, base_make)
            await _post(http, make)
        latencies: list[float] = []
        base_latencies: list[float] = []
        for _ in range(LATENCY_REQUESTS // BLOCK):
            base_latencies += [await _post(base, base_make) for _ in range(BLOCK)]
            latencies += [await _post(http, make) for _ in range(BLOCK)]
        base_rps = await _throughput(base, base_make)
        rps = await _throughput(http, make)
    return _figures(latencies, rps), _figures(base_latencies, base_rps)


async def _throughput(http: httpx.AsyncClient, make: Maker) -> float:
    queue = iter(range(THROUGHPUT_REQUESTS))

    async def worker() -> None:
        for _ in queue:
            await _post(http, make)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return THROUGHPUT_REQUESTS / (time.perf_counter() - started)


def _figures(latencies: list[float], rps: float) -> Figures:
    latencies = sorted(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return Figures(statistics.median(latencies) * 1000, p99 * 1000, rps)


async def _bench_backend(
    fake: FakeSlack, backend: str, rows: int
) -> list[tuple[str, Figures, Figures]]:
    database = await seeded_database(backend, rows)
    env = {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
    }
    bot_port, base_port = _free_port(), _free_port()
    bot = _start(
        [sys.executable, "-m", "bot", "run", "--port", str(bot_port)],
        env | {"DATABASE_URL": database, "LOG_LEVEL": "WARNING"},
    )
    base = _start([sys.executable, "-m", "bench.baseline_app", str(base_port)], env)
    default_port = _free_port()
    default = _start(
        [sys.executable, "-m", "bench.baseline_app", str(default_port), "default"], env
    )
    requests = SlackRequests(SECRET, response_url_base=fake.response_url_base)
    rng = random.Random(1)
    try:
        bot_url, base_url = f"http://127.0.0.1:{bot_port}", f"http://127.0.0.1:{base_port}"
        await _ready(bot_url)
        await _ready(base_url)
        default_url = f"http://127.0.0.1:{default_port}"
        await _ready(default_url)

        def ack() -> SignedRequest:
            return requests.slash_command("x")

        lookup, lookup_base = await measure(
            bot_url, lambda: requests.slash_command(f"SO-{rng.randrange(rows):08d}"), base_url, ack
        )
        late, late_base = await measure(
            bot_url, lambda: requests.slash_command("late"), base_url, ack
        )
        default_figures, default_base = await measure(default_url, ack, base_url, ack)
        return [
            ("/backlog ORDER_ID", lookup, lookup_base),
            ("/backlog late", late, late_base),
            ("Bolt default, ack only", default_figures, default_base),
        ]
    finally:
        for process in (bot, base, default):
            process.terminate()
            process.wait(timeout=30)


def run(sizes: list[int], backends: list[str]) -> None:
    print(
        f"\nslash commands over HTTP: p50/p99 of {LATENCY_REQUESTS} sequential requests, "
        f"in blocks of {BLOCK} alternating with the ack-only baseline; throughput with "
        f"{CONCURRENCY} in flight"
    )
    print(
        f"{'database':<11}{'orders':>9}  {'request':<24}{'p50 ms':>8}{'p99 ms':>8}{'req/s':>8}"
        f"{'base p50':>10}{'base p99':>10}{'base req/s':>11}{'p50 vs base':>13}"
    )

    async def main() -> None:
        async with FakeSlack() as fake:
            for backend in backends:
                for rows in sizes:
                    for name, f, b in await _bench_backend(fake, backend, rows):
                        print(
                            f"{backend:<11}{rows:>9}  {name:<24}{f.p50_ms:>8.2f}{f.p99_ms:>8.2f}"
                            f"{f.rps:>8.0f}{b.p50_ms:>10.2f}{b.p99_ms:>10.2f}{b.rps:>11.0f}"
                            f"{f.p50_ms / b.p50_ms:>12.2f}x",
                            flush=True,
                        )

    asyncio.run(main())
