"""`backlog-bot db ...` and where the data is: the database named first, `db current`,
`db backup` (SQLite, while the bot writes; PostgreSQL: pg_dump) and dry runs that touch no file."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.bootstrap.container import Services, build_services
from storage.core.migrate import current_revision, upgrade
from tests.conftest import Database, sqlite_database
from tests.kit.cli import child_env, run_cli
from tests.kit.common import order_row, seed_orders, write_csv

pytestmark = pytest.mark.slow


def _named(database: Database) -> str:
    if database.schema is None:
        return f"database: sqlite {database.url.removeprefix('sqlite:///')}"
    return f"database: postgresql 127.0.0.1:5432/test (schema {database.schema})"


@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "current"], ["digest", "list"]])
async def test_database_commands_name_the_database_first_without_its_password(
    services: Services, database: Database, tmp_path: Path, command: list[str]
):
    env = child_env(database)
    if database.schema is not None:
        env["DATABASE_URL"] = database.url.replace("postgres@", "postgres:hunter2@")

    result = await run_cli(*command, env=env, cwd=tmp_path)

    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[0] == _named(database)
    assert "hunter2" not in result.stdout + result.stderr


async def test_db_current_on_an_up_to_date_database_says_so(
    services: Services, database: Database, tmp_path: Path
):
    result = await run_cli("db", "current", env=child_env(database), cwd=tmp_path)

    assert result.stdout.splitlines() == [
        "current: step 10 of 10 (revision 0009): Index each owner's open orders by due date,"
        " for `/backlog mine` and owner filters",
        "pending: none, the schema is up to date",
    ]


async def test_db_upgrade_names_each_step_it_applies_in_order(tmp_path: Path):
    database = sqlite_database(tmp_path)
    services = build_services(database.url)
    await upgrade(services.engine, "0008")
    await services.close()

    result = await run_cli("db", "upgrade", env=child_env(database), cwd=tmp_path)

    assert (result.code, result.stdout) == (0, "database is up to date\n")
    assert [line[:41] for line in result.stderr.splitlines()[1:]] == [
        "migrated to step 08 of 10 (revision 0005)",
        "migrated to step 09 of 10 (revision 0010)",
        "migrated to step 10 of 10 (revision 0009)",
    ]


async def test_db_current_lists_pending_migrations_in_order(tmp_path: Path):
    database = sqlite_database(tmp_path)
    services = build_services(database.url)
    await upgrade(services.engine, "0008")
    await services.close()

    result = await run_cli("db", "current", env=child_env(database), cwd=tmp_path)

    assert result.stdout.splitlines() == [
        "current: step 07 of 10 (revision 0008): ingest API idempotency keys and upstream"
        " sync state",
        "pending: 3 (backlog-bot db upgrade applies them)",
        "  step 08 of 10 (revision 0005): digest content: lag thresholds per subscription,"
        " what each run listed, skipped runs",
        "  step 09 of 10 (revision 0010): slack_event_receipts: one row per Events API"
        " event_id, so retries are handled once",
        "  step 10 of 10 (revision 0009): Index each owner's open orders by due date,"
        " for `/backlog mine` and owner filters",
    ]


class _Writer(threading.Thread):
    """Inserts rows, one transaction each, until stopped (a bot busy writing)."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.stopping, self.errors = path, threading.Event(), list[Exception]()
        self.written = 0

    def run(self) -> None:
        with sqlite3.connect(self.path, timeout=30) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS writes (n INTEGER PRIMARY KEY, pad TEXT)")
            while not self.stopping.is_set():
                try:
                    conn.execute("INSERT INTO writes (pad) VALUES (?)", ("x" * 500,))
                    conn.commit()
                    self.written += 1
                except sqlite3.Error as exc:
                    self.errors.append(exc)


async def test_db_backup_copies_a_sqlite_database_while_it_is_written(tmp_path: Path):
    database = sqlite_database(tmp_path)
    services = build_services(database.url)
    await services.migrate()
    await seed_orders(services, tmp_path, [order_row(order_id=f"SO-{i}") for i in range(50)])
    await services.close()
    writer = _Writer(tmp_path / "backlog.db")
    writer.start()
    while writer.written < 200:  # the WAL holds uncheckpointed writes when the backup starts
        threading.Event().wait(0.01)
    copy = tmp_path / "backup.db"

    result = await run_cli("db", "backup", str(copy), env=child_env(database), cwd=tmp_path)
    writer.stopping.set()
    writer.join()

    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"backed up {tmp_path / 'backlog.db'} to {copy}: 50 orders,")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        copied = conn.execute("SELECT count(*) FROM writes").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (50,)
    assert 200 <= copied <= writer.written
    assert writer.errors == []
    assert not (tmp_path / "backup.db-wal").exists()


async def test_db_backup_never_overwrites_a_file(tmp_path: Path):
    database = sqlite_database(tmp_path)
    services = build_services(database.url)
    await services.migrate()
    await services.close()
    (tmp_path / "taken.db").write_text("keep me")

    result = await run_cli("db", "backup", "taken.db", env=child_env(database), cwd=tmp_path)

    assert result.code == 1
    assert result.stderr.splitlines()[-1] == (
        "backlog-bot: taken.db exists already; name a new file (a backup never overwrites one)"
    )
    assert (tmp_path / "taken.db").read_text() == "keep me"


async def test_db_backup_on_postgresql_says_to_use_pg_dump(
    services: Services, database: Database, tmp_path: Path
):
    if database.schema is None:
        pytest.skip("the PostgreSQL half: SQLite backs up (see the tests above)")

    result = await run_cli("db", "backup", "x.db", env=child_env(database), cwd=tmp_path)

    assert result.code == 1
    assert result.stderr.splitlines()[-1] == (
        "backlog-bot: db backup copies SQLite files; back up PostgreSQL with pg_dump, e.g."
        ' pg_dump --format=custom --file=backlog.dump "$DATABASE_URL"'
        " (README, section 'Backups')"
    )
    assert not (tmp_path / "x.db").exists()


async def test_import_dry_run_creates_no_database_file(tmp_path: Path):
    path = write_csv(tmp_path / "o.csv", [order_row()])
    env = child_env(DATABASE_URL="sqlite:///./backlog.db")

    result = await run_cli("import", str(path), "--dry-run", env=env, cwd=tmp_path)

    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "database: sqlite ./backlog.db (no such file yet: the dry run uses an empty scratch copy)"
    )
    assert result.stdout.startswith("o.csv: dry run, nothing written: created 1,")
    assert sorted(os.listdir(tmp_path)) == ["o.csv"]


async def test_import_dry_run_leaves_an_older_schema_unmigrated(tmp_path: Path):
    database = sqlite_database(tmp_path)
    services = build_services(database.url)
    await upgrade(services.engine, "0008")
    await services.close()
    path = write_csv(tmp_path / "o.csv", [order_row()])

    result = await run_cli("import", str(path), "--dry-run", env=child_env(database), cwd=tmp_path)

    assert result.code == 0, result.stderr
    assert "(3 migration(s) behind: the dry run uses a migrated scratch copy)" in result.stderr
    assert "would create SO-1001" in result.stderr
    after = build_services(database.url)
    assert await current_revision(after.engine) == "0008"
    await after.close()


async def test_import_dry_run_on_an_unmigrated_postgresql_schema_asks_for_db_upgrade(
    empty_schema: Database, tmp_path: Path
):
    path = write_csv(tmp_path / "o.csv", [order_row()])

    result = await run_cli(
        "import", str(path), "--dry-run", env=child_env(empty_schema), cwd=tmp_path
    )

    assert result.code == 1
    assert result.stderr.splitlines()[-1] == (
        "backlog-bot: the database needs 10 migration(s) first (backlog-bot db upgrade);"
        " a dry run migrates nothing"
    )
