"""`make run`: the real bot with a Slack token, the sandbox without one."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The Makefile in a folder whose .venv only says what it was asked to run."""
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    for name in ("pyproject.toml", "requirements.lock"):
        (tmp_path / name).write_text("")
    bin_dir = tmp_path / ".venv/bin"
    bin_dir.mkdir(parents=True)
    for tool in ("python", "backlog-bot"):
        script = bin_dir / tool
        script.write_text(f'#!/bin/sh\necho "{tool} $*"\n')
        script.chmod(0o755)
    (tmp_path / ".venv/.installed-stamp").write_text("")
    os.utime(tmp_path / ".venv/.installed-stamp", (4_000_000_000, 4_000_000_000))
    return tmp_path


def _make_run(folder: Path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")} | env
    done = subprocess.run(
        ["make", "-s", "run"], cwd=folder, env=clean, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_make_run_without_a_token_opens_the_sandbox(checkout: Path) -> None:
    (checkout / ".env").write_text("SLACK_BOT_TOKEN=\nSLACK_SIGNING_SECRET=x\n")

    ran = _make_run(checkout)

    assert ran == "python -m bot sandbox --demo"


def test_make_run_with_a_token_in_env_file_runs_the_bot(checkout: Path) -> None:
    (checkout / ".env").write_text('# Slack\nSLACK_BOT_TOKEN="xoxb-123"\n')

    ran = _make_run(checkout)

    assert ran == "backlog-bot run"


def test_make_run_with_a_token_in_the_environment_runs_the_bot(checkout: Path) -> None:
    ran = _make_run(checkout, SLACK_BOT_TOKEN="xoxb-123")

    assert ran == "backlog-bot run"
