"""Load and soak benchmark: a steady mix of slash commands and clicks for minutes, over HTTP.

`backlog-bot run` (one process) and the ack-only baseline Bolt app run on loopback; the load
comes from another process (bench/load_client.py, open loop at a fixed arrival rate). Every
window reports throughput, p50/p99, errors and the server's resident memory and CPU. Each app's
most requests per second (closed loop) and the same steady load on the baseline come first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url

from bench.generate import generate
from bench.import_bench import DATA, PG_ADMIN
from bench.load_client import Traffic
from bench.slack_bench import SECRET, _ensure_pg_database, _free_port, _ready
from bench.soak_checks import ErrorLog, check_answers, cpu_seconds, load_average, rss_mib
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack

TARGET_P99_MS = 100.0


@dataclass(frozen=True)
class SoakOptions:
    """How hard and how long (`python -m bench --only soak --help`)."""

    rows: int = 1_000_000
    rate: float = 200.0
    seconds: float = 600.0
    window: float = 30.0
    baseline_seconds: float = 60.0
    max_seconds: float = 20.0
    in_flight: int = 16


@dataclass(frozen=True)
class LoadRun:
    """Per-window lines (with the server's RSS) and the whole run's figures."""

    windows: list[dict[str, Any]]
    total: dict[str, Any]
    cpu_ms_per_request: float


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The soak's options; its size is the largest of --sizes."""
    group = parser.add_argument_group("soak")
    group.add_argument("--rate", type=float, default=200.0, help="soak: requests per second")
    group.add_argument("--soak-seconds", type=float, default=600.0, help="soak: bot duration")
    group.add_argument("--window", type=float, default=30.0, help="soak: seconds per line")
    group.add_argument("--baseline-seconds", type=float, default=60.0, help="soak: baseline")


def options_from(args: argparse.Namespace, sizes: list[int]) -> SoakOptions:
    return SoakOptions(max(sizes), args.rate, args.soak_seconds, args.window, args.baseline_seconds)


async def seeded_database(backend: str, rows: int) -> str:
    """A database of `rows` generated orders of the soak's own, imported once and reused."""
    csv_path = generate(DATA / f"orders-{rows}.csv", rows)
    if backend == "postgresql":
        url = make_url(PG_ADMIN).set(database=f"backlog_bench_soak_{rows}")
        url_text = url.render_as_string(hide_password=False)
        fresh = await _ensure_pg_database(url.database or "")
    else:
        path = DATA / f"soak-{rows}.db"
        url_text, fresh = f"sqlite:///{path}", not path.exists()
    # Generated orders are dated around today: new data (another day) means a new import.
    marker, stamp = DATA / f"soak-{backend}-{rows}.seeded", csv_path.with_suffix(".rows")
    if fresh or not marker.exists() or marker.read_text() != stamp.read_text():
        env = {**os.environ, "DATABASE_URL": url_text}
        command = [sys.executable, "-m", "bot", "import", str(csv_path)]
        await asyncio.to_thread(subprocess.run, command, env=env, check=True)
        marker.write_text(stamp.read_text())
    return url_text


async def load(
    name: str, url: str, pid: int, fake: FakeSlack, rows: int, shape: list[str], log: ErrorLog
) -> LoadRun:
    """Run bench.load_client against `url`; print each window beside the server's RSS."""
    command = [sys.executable, "-m", "bench.load_client", url, "--secret", SECRET]
    command += ["--response-url-base", fake.response_url_base, "--rows", str(rows), *shape]
    client = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    assert client.stdout is not None
    cpu_before, windows, total = cpu_seconds(pid), [], {}
    cpu_at, at = cpu_before, time.monotonic()
    async for raw in client.stdout:
        line = json.loads(raw)
        if line["kind"] == "total":
            total = line
            continue
        cpu_now, now = cpu_seconds(pid), time.monotonic()
        line |= {"rss_mib": rss_mib(pid), "cpu_pct": 100 * (cpu_now - cpu_at) / (now - at)}
        line |= {"responds": len(fake.calls_to("response_url")), "app_errors": log.new_errors()}
        fake.reset()  # keep the fake's memory flat too
        cpu_at, at = cpu_now, now
        windows.append(line)
        print(_window_row(name, line), flush=True)
    if await client.wait() != 0 or not total:
        raise RuntimeError(f"load client against {name} exited {client.returncode}")
    cpu_ms = 1000 * (cpu_seconds(pid) - cpu_before) / max(total["requests"], 1)
    return LoadRun(windows, total, cpu_ms)


def _window_row(name: str, w: dict[str, Any]) -> str:
    return (
        f"  {name:<14}{w['at_s']:>7.0f}{w['rps']:>8.1f}{w['p50_ms']:>8.2f}{w['p99_ms']:>8.2f}"
        f"{w['max_ms']:>9.1f}{100 * w['error_rate']:>7.2f}{w['app_errors']:>6}"
        f"{w['rss_mib']:>9.1f}{w['cpu_pct']:>6.0f}{w['late_start_ms']:>8.1f}"
    )


WINDOW_HEADER = (
    f"  {'app':<14}{'at s':>7}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>9}{'err %':>7}"
    f"{'logE':>6}{'RSS MiB':>9}{'CPU%':>6}{'lag ms':>8}"
)


def _start(args: list[str], env: dict[str, str], log: ErrorLog) -> subprocess.Popen[bytes]:
    with log.path.open("wb") as stderr:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            args, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=stderr
        )


async def bench_backend(fake: FakeSlack, backend: str, o: SoakOptions) -> None:
    database = await seeded_database(backend, o.rows)
    env = {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET}
    env |= {"SLACK_API_URL": fake.base_url, "LOG_LEVEL": "WARNING"}
    bot_log, base_log = ErrorLog(DATA / f"soak-bot-{backend}.log"), ErrorLog(DATA / "soak-base.log")
    bot_port, base_port = _free_port(), _free_port()
    bot_args = [sys.executable, "-m", "bot", "run", "--port", str(bot_port)]
    bot = _start(bot_args, env | {"DATABASE_URL": database}, bot_log)
    base = _start([sys.executable, "-m", "bench.baseline_app", str(base_port)], env, base_log)
    bot_url, base_url = f"http://127.0.0.1:{bot_port}", f"http://127.0.0.1:{base_port}"
    try:
        await _ready(bot_url)
        await _ready(base_url)
        traffic = Traffic(SlackRequests(SECRET, response_url_base=fake.response_url_base), o.rows)
        await check_answers(bot_url, traffic, fake)
        print(f"\n{backend}, {o.rows:,} orders, load average {load_average()}\n{WINDOW_HEADER}")
        # Most requests/s first: measured after an overloaded soak, it would include the backlog.
        most = ["--in-flight", str(o.in_flight), "--window", str(o.max_seconds)]
        most += _for(o.max_seconds)
        bot_max = await load("bot max", bot_url, bot.pid, fake, o.rows, most, bot_log)
        base_max = await load("baseline max", base_url, base.pid, fake, o.rows, most, base_log)
        steady = ["--rate", str(o.rate), "--window", str(o.window)]
        base_shape = steady + _for(o.baseline_seconds)
        baseline = await load("baseline", base_url, base.pid, fake, o.rows, base_shape, base_log)
        soak = await load("bot", bot_url, bot.pid, fake, o.rows, steady + _for(o.seconds), bot_log)
        _summarise(backend, o, soak, baseline, bot_max, base_max)
    finally:
        _stop(bot, base)


def _stop(*processes: subprocess.Popen[bytes]) -> None:
    """SIGTERM each; kill what has not exited after 30 s (an overloaded server drains slowly)."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _for(seconds: float) -> list[str]:
    return ["--duration", str(seconds)]


def _summarise(
    backend: str, o: SoakOptions, soak: LoadRun, base: LoadRun, most: LoadRun, base_most: LoadRun
) -> None:
    s, b = soak.total, base.total
    full = [w for w in soak.windows if w["seconds"] >= o.window * 0.9] or soak.windows
    warm, end = full[0]["rss_mib"], full[-1]["rss_mib"]
    peak = max(w["rss_mib"] for w in soak.windows)
    met = s["p99_ms"] < TARGET_P99_MS and s["rps"] >= 0.98 * o.rate
    cpu, base_cpu = soak.cpu_ms_per_request, base.cpu_ms_per_request
    lines = [
        f"{backend} soak at {o.rate:.0f} req/s for {o.seconds:.0f} s: {s['rps']:.1f} req/s, "
        f"p50 {s['p50_ms']:.2f} ms ({s['p50_ms'] / b['p50_ms']:.1f}x baseline "
        f"{b['p50_ms']:.2f}), p99 {s['p99_ms']:.2f} ms ({s['p99_ms'] / b['p99_ms']:.1f}x "
        f"baseline {b['p99_ms']:.2f}), max {s['max_ms']:.0f} ms",
        f"errors {100 * s['error_rate']:.3f}% (baseline {100 * b['error_rate']:.3f}%) "
        f"{s['failures'] or ''}",
        f"target p99 < {TARGET_P99_MS:.0f} ms at {o.rate:.0f} req/s: {'met' if met else 'MISSED'}",
        f"bot RSS after warm-up {warm:.1f} MiB, at end {end:.1f} MiB "
        f"({end - warm:+.1f} MiB, {100 * (end - warm) / warm:+.1f}%), peak {peak:.1f} MiB; "
        f"baseline {base.windows[-1]['rss_mib']:.1f} MiB",
        f"CPU per request: bot {cpu:.2f} ms, baseline {base_cpu:.2f} ms ({cpu / base_cpu:.1f}x)",
        f"most req/s ({o.in_flight} in flight, {o.max_seconds:.0f} s): bot "
        f"{most.total['rps']:.0f} (p99 {most.total['p99_ms']:.1f} ms), baseline "
        f"{base_most.total['rps']:.0f} (p99 {base_most.total['p99_ms']:.1f} ms): "
        f"{most.total['rps'] / base_most.total['rps']:.2f}x baseline",
    ]
    print("\n".join(f"  {line}" for line in lines), flush=True)


def run(options: SoakOptions, backends: list[str]) -> None:
    print(
        f"\nload and soak: mix of /backlog ORDER_ID, late, mine and Open/Next clicks, open loop "
        f"at {options.rate:.0f} req/s from a separate process; load average {load_average()}"
    )

    async def main() -> None:
        async with FakeSlack() as fake:
            for backend in backends:
                await bench_backend(fake, backend, options)

    asyncio.run(main())
    print(f"load average at the end {load_average()}")
