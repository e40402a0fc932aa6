"""Composition root tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Database, sqlite_database


@pytest.fixture
def database(tmp_path: Path) -> Database:
    """SQLite only: the database work behind these Slack-edge tests is tested on both backends
    by tests/services and tests/storage."""
    return sqlite_database(tmp_path)
