"""Run `python -m bot` as a child process with a clean, explicit environment."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO, Database

_DROPPED_PREFIXES = ("SLACK_", "DATABASE_", "BACKLOG_")
CLI_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Result:
    """Exit code and output of one command."""

    code: int
    stdout: str
    stderr: str


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
