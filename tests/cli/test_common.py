"""A database error that surfaces mid-command becomes one line; other errors stay errors."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import IntegrityError, OperationalError

from bot.cli.common import database_failure


def test_database_failure_mid_command_is_one_line():
    locked = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))

    assert database_failure(locked) == "the database failed: database is locked"


def test_database_failure_leaves_other_errors_alone():
    duplicate = IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("UNIQUE failed"))

    assert database_failure(duplicate) is None  # a bug: its traceback is what helps
    assert database_failure(FileNotFoundError("orders.csv")) is None
    assert database_failure(KeyError("x")) is None
