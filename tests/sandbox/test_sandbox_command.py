"""`backlog-bot sandbox`: registered, documented, and light to load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from bot.cli.main import main
from bot.sandbox.people import COMMAND, FEEDBACK_SHORTCUT, USAGE_HINT

REPO = Path(__file__).resolve().parents[2]


def test_sandbox_help_lists_its_options() -> None:
    result = CliRunner().invoke(main, ["sandbox", "--help"])

    assert result.exit_code == 0
    for option in ("--demo", "--port", "--host", "--database"):
        assert option in result.output
    assert "nothing" in result.output and "reaches Slack" in result.output


def test_sandbox_command_loads_no_serving_stack_until_run() -> None:
    probe = (
        "import sys, bot.cli.main; heavy = ('bot.sandbox', 'uvicorn', 'selenium');"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )

    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == "[]"


def test_sandbox_command_and_shortcut_match_the_manifest() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())

    command = manifest["features"]["slash_commands"][0]
    shortcut = manifest["features"]["shortcuts"][0]

    assert (command["command"], command["usage_hint"]) == (COMMAND, USAGE_HINT)
    assert (shortcut["callback_id"], shortcut["name"]) == FEEDBACK_SHORTCUT
