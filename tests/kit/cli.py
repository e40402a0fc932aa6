"""Run `python -m bot` as a child process with a clean, explicit environment."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import REPO, Database

_DROPPED_PREFIXES = ("SLACK_", "DATABASE_", "BACKLOG_")
CLI_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Result:
    """Exit code and output of one command."""

    code: int
    stdout: str
    stderr: str

    @property
    def problems(self) -> str:
        """stderr without its first line naming the database (every database command has it)."""
        lines = self.stderr.splitlines(keepends=True)
        first = lines[0] if lines else ""
        named = first.startswith(("database: ", '{"level": "INFO", "logger": "bot.cli"'))
        return "".join(lines[1:] if named else lines)


def child_env(database: Database | None = None, **extra: str) -> dict[str, str]:
    """The parent's environment without bot settings, plus the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_PREFIXES)}
    env["PYTHONPATH"] = str(REPO)
    if database:
        env["DATABASE_URL"] = database.url
        if database.schema:
            env["DATABASE_SCHEMA"] = database.schema
    return env | extra


async def run_cli(*args: str, env: dict[str, str], cwd: Path) -> Result:
    """`python -m bot ARGS` in `cwd` (a folder without a .env file)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(CLI_TIMEOUT_SECONDS):
        out, err = await process.communicate()
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), err.decode())


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def start_bot(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`python -m bot ARGS` left running (stop it with SIGTERM and communicate())."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        env=env, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def wait_healthy(port: int, process: asyncio.subprocess.Process) -> None:
    """Until GET /healthz answers 200 (generous: start-up takes seconds on a loaded machine)."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False) as http:
        for _ in range(600):
            if process.returncode is not None:
                raise AssertionError(f"bot exited early with {process.returncode}")
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("bot did not become healthy within 30 s")


async def stop(process: asyncio.subprocess.Process) -> Result:
    """SIGTERM, then the exit code and output."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(30):
        out, err = await process.communicate()
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), err.decode())
