"""Slack's per-channel pace without waiting for it: a virtual clock the bot's pacer and the
fake Slack share, so a thread of 30 messages "takes" 30 s and no real time."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.delivery.core.pacing import ChannelPacer


@dataclass
class VirtualTime:
    """Seconds that pass only when someone sleeps."""

    now: float = 1_000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        deadline = self.now + max(seconds, 0.0)
        await asyncio.sleep(0)  # still let other tasks run, as a real sleep would
        # Sleepers that overlap wake at their own deadlines, not one after the other's.
        self.now = max(self.now, deadline)

    def pacer(self) -> ChannelPacer:
        """A pacer that keeps Slack's pace on this clock."""
        return ChannelPacer(clock=self.clock, sleep=self.sleep)
