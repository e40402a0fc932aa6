"""The clock services take "now" from: injected, so rules and tests agree on the time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]
