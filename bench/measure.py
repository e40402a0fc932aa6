"""Run a command as a child process; report its wall time and peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """Wall time and peak resident memory of one child process."""

    seconds: float
    peak_mib: float


def measure(args: list[str], env: Mapping[str, str] | None = None) -> Run:
    """Run `args`; fail loudly if it exits non-zero (3 = rows rejected is a failure here too)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        args, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    out = child.stdout.read().decode() if child.stdout else ""
    err = child.stderr.read().decode() if child.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(args)} exited {code}\n{out}\n{err}")
    return Run(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux
