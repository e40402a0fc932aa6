"""What the soak benchmark checks besides speed: real answers, process memory and CPU, errors."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.load_client import MIX, Traffic
from bot.sandbox.limits import check_message
from bot.sandbox.web_api import FakeSlack

# The fallback text each kind of request answers with when it found orders.
_EXPECTED = {
    "lookup": ("Order SO-",),
    "late": ("Overdue orders: ",),
    "mine": ("Your open orders: ",),
    "open": ("Order SO-",),
    "next": ("Overdue orders: ", "Your open orders: "),
}
_CLICKS = {"open", "next"}  # acked empty; the answer goes to response_url after the ack
ANSWER_WAIT_STEPS = 1000  # of 10 ms


async def check_answers(url: str, traffic: Traffic, fake: FakeSlack) -> None:
    """Send each kind of request once; fail unless each got a real, valid answer."""
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=30) as http:
        for kind in MIX:
            fake.reset()
            request = traffic.build(kind)
            response = await http.post(
                "/slack/events", content=request.body, headers=request.headers
            )
            if response.status_code != 200:
                raise RuntimeError(f"{kind}: HTTP {response.status_code} {response.text[:200]}")
            answer = await _posted_answer(fake) if kind in _CLICKS else response.json()
            _check_answer(kind, answer)
    fake.reset()


async def _posted_answer(fake: FakeSlack) -> dict[str, Any]:
    """What a click posted to response_url: after its ack, so it may still be on its way."""
    for _ in range(ANSWER_WAIT_STEPS):
        if fake.calls_to("response_url"):
            return fake.last("response_url").args
        await asyncio.sleep(0.01)
    raise RuntimeError("a click was acked but nothing was posted to its response_url")


def _check_answer(kind: str, answer: dict[str, Any]) -> None:
    text = str(answer.get("text", ""))
    if not text.startswith(_EXPECTED[kind]) or text.endswith("nothing matches"):
        raise RuntimeError(f"{kind}: unexpected answer {text[:200]!r}")
    rejection = check_message(answer)
    if rejection is not None:
        raise RuntimeError(f"{kind}: Slack would refuse the answer: {rejection.body()}")


def rss_mib(pid: int) -> float:
    """Resident memory of a process now (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name in parentheses may hold spaces
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (the machine is shared)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class ErrorLog:
    """Counts ERROR lines a process has written to its log since the last look."""

    path: Path
    _offset: int = 0

    def new_errors(self) -> int:
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            chunk = handle.read()
        self._offset += len(chunk)
        return sum(1 for line in chunk.splitlines() if b" ERROR " in line)
