"""Several real `backlog-bot run` processes on loopback, as behind a load balancer."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.sandbox.signing import SignedRequest

START_SECONDS = 60  # three interpreters importing and migrating in turn on two cores
STOP_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class BotProcess:
    """One `python -m bot run` child and an HTTP client pointed at it."""

    name: str
    process: asyncio.subprocess.Process
    http: httpx.AsyncClient
    log: Path  # the process's stderr: a file, so a chatty process never blocks on a full pipe
    killed: bool = False

    async def send(self, request: SignedRequest) -> httpx.Response:
        """POST a signed Slack request to this process's /slack/events."""
        return await self.http.post("/slack/events", content=request.body, headers=request.headers)

    async def wait_healthy(self) -> None:
        async with asyncio.timeout(START_SECONDS):
            while True:
                if self.process.returncode is not None:
                    raise AssertionError(f"{self.name} exited early:\n{self.logged()}")
                try:
                    if (await self.http.get("/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)

    def logged(self) -> str:
        """Everything the process wrote to stderr so far."""
        return self.log.read_text("utf-8", errors="replace")

    async def kill(self) -> None:
        """SIGKILL: the process stops wherever it is, finishing nothing."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.killed = True
        async with asyncio.timeout(STOP_SECONDS):
            await self.process.wait()

    def freeze(self) -> None:
        """SIGSTOP: the process stands still (a paused VM or container) until thawed."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT: a frozen process goes on from where it stood."""
        os.kill(self.process.pid, signal.SIGCONT)

    async def stop(self) -> int:
        """SIGTERM, then wait for a clean exit."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(STOP_SECONDS):
            return await self.process.wait()


@asynccontextmanager
async def bot_processes(
    count: int, env: dict[str, str], cwd: Path, first: int = 1
) -> AsyncIterator[list[BotProcess]]:
    """Start `count` bots at the same moment (named bot-`first` on) and yield them once every
    one answers /healthz; on exit stop them all and fail unless each exited 0 (or was killed)."""
    bots: list[BotProcess] = []
    async with AsyncExitStack() as stack:
        for index in range(first, first + count):
            port, log = free_port(), cwd / f"bot-{index}.log"
            with log.open("wb") as stderr:
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "run", "--port", str(port),
                    env=env, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
                )  # fmt: skip
            url = f"http://127.0.0.1:{port}"
            http = await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, trust_env=False, timeout=30)
            )
            bots.append(BotProcess(f"bot-{index}", process, http, log))
        try:
            await asyncio.gather(*(bot.wait_healthy() for bot in bots))
            yield bots
        finally:
            codes = await asyncio.gather(*(bot.stop() for bot in bots))
        for bot, code in zip(bots, codes, strict=True):
            assert code == 0 or bot.killed, f"{bot.name} exited {code}:\n{bot.logged()}"


def problems(log: str) -> list[str]:
    """Errors a process logged, each with the lines that follow it (its traceback)."""
    lines = log.splitlines()
    return ["\n".join(lines[n : n + 40]) for n, line in enumerate(lines) if " ERROR " in line]
