"""Slack's own sample payloads (../shared/slack/payloads), as tests replay them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).parents[3] / "shared/slack/payloads"

SAMPLE_FILES = sorted(PAYLOADS.glob("*.json"))


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return loaded
