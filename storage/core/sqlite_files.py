"""SQLite files: an online backup, and the lock that keeps a second bot process off one file."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path


class FileInUse(Exception):
    """Another process holds the file's run lock; the message names its pid."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    size: int
    orders: int


def backup(source: Path, target: Path) -> BackupResult:
    """Copy a live SQLite database with SQLite's online backup API.

    The copy is one consistent snapshot: in WAL mode the backup reads in one transaction
    while writers go on (a plain file copy could catch the database file and its WAL out of
    step). It is written next to `target` and renamed into place once checked."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)  # pages=-1: the whole database in one step, one snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            checked = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if checked != "ok":
                raise sqlite3.DatabaseError(f"the copy fails its integrity check: {checked}")
            orders = _count_orders(dst)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size, orders)


def _count_orders(conn: sqlite3.Connection) -> int:
    try:
        return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0


def lock_path(database: Path) -> Path:
    """The run lock's file, next to the database."""
    return database.with_name(database.name + ".run-lock")


@contextmanager
def run_lock(database: Path) -> Iterator[None]:
    """Hold an exclusive lock for as long as one bot process serves this SQLite file.

    flock, not a lock on the database file itself: SQLite's own POSIX locks there would be
    dropped when any descriptor of the file closes. The kernel releases it when the process
    ends, however it ends, so a crash leaves nothing stale behind."""
    path = lock_path(database)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise FileInUse(holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
