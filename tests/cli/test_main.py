"""The command line as a user runs it: exit codes, one-line errors, the import report."""

from __future__ import annotations

import csv
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from bot.bootstrap.container import Services
from storage.orders import queries
from tests.conftest import Database
from tests.kit.cli import child_env, run_cli
from tests.kit.common import order_row, write_csv


async def test_run_without_tokens_exits_with_one_line_naming_them(tmp_path: Path):
    result = await run_cli("run", env=child_env(), cwd=tmp_path)

    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        "backlog-bot: missing SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET "
        "(see README.md, section 'Create the Slack app')"
    ]


async def test_run_in_socket_mode_needs_no_signing_secret(tmp_path: Path):
    env = child_env(SLACK_APP_TOKEN="xapp-1")

    result = await run_cli("run", env=env, cwd=tmp_path)

    assert result.code == 2
    assert "missing SLACK_BOT_TOKEN (" in result.stderr


async def test_invalid_setting_is_one_clear_line(tmp_path: Path):
    env = child_env(BACKLOG_TIMEZONE="Mars/Olympus", SLACK_BOT_TOKEN="xoxb-1")

    result = await run_cli("run", env=env, cwd=tmp_path)

    assert result.code == 1
    assert result.stderr.strip() == (
        "Error: invalid settings: BACKLOG_TIMEZONE: Value error, "
        "unknown IANA time zone 'Mars/Olympus' (e.g. Europe/Berlin)"
    )


async def test_db_upgrade_creates_the_schema(tmp_path: Path):
    env = child_env(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")

    result = await run_cli("db", "upgrade", env=env, cwd=tmp_path)

    assert (result.code, result.stdout.strip()) == (0, "database is up to date")


async def test_import_prints_a_one_line_summary_and_exits_0(
    services: Services, database: Database, tmp_path: Path
):
    path = write_csv(tmp_path / "orders.csv", [order_row(order_id=f"SO-{i}") for i in range(3)])

    first = await run_cli("import", str(path), env=child_env(database), cwd=tmp_path)
    second = await run_cli("import", str(path), env=child_env(database), cwd=tmp_path)

    assert (first.code, first.stdout) == (
        0,
        "orders.csv: created 3, updated 0, unchanged 0, rejected 0\n",
    )
    assert second.stdout == "orders.csv: created 0, updated 0, unchanged 3, rejected 0\n"
    async with services.sessions() as session:
        assert await queries.count_orders(session) == 3


async def test_import_reports_rejected_rows_by_line_and_column_and_exits_3(
    services: Services, database: Database, tmp_path: Path
):
    rows = [order_row(), order_row(order_id="SO-2", promised_date="31/31/2026")]
    path = write_csv(tmp_path / "orders.csv", rows)
    report = tmp_path / "report.csv"

    result = await run_cli(
        "import", str(path), "--report", str(report), env=child_env(database), cwd=tmp_path
    )

    assert result.code == 3
    assert result.stderr.splitlines()[0].startswith("database: ")
    assert result.stderr.splitlines()[1:] == [
        "line 3: promised_date: '31/31/2026' has month 31 when read as mdy; "
        "if the file is dmy, pass --date-order dmy"
    ]
    assert result.stdout.endswith("created 1, updated 0, unchanged 0, rejected 1\n")
    report_rows = list(csv.DictReader(report.open()))
    assert [(r["line"], r["order_id"], r["outcome"]) for r in report_rows] == [
        ("3", "SO-2", "rejected"),
        ("", "SO-1001", "created"),
    ]


async def test_import_strict_with_a_bad_row_writes_nothing_and_exits_1(
    services: Services, database: Database, tmp_path: Path
):
    path = write_csv(tmp_path / "o.csv", [order_row(), order_row(order_id="X", customer="")])

    result = await run_cli("import", str(path), "--strict", env=child_env(database), cwd=tmp_path)

    assert result.code == 1
    assert "--strict and rows were rejected, nothing written" in result.stdout
    async with services.sessions() as session:
        assert await queries.count_orders(session) == 0


async def test_import_dry_run_shows_changes_and_writes_nothing(
    services: Services, database: Database, tmp_path: Path
):
    path = write_csv(tmp_path / "o.csv", [order_row(eta="2026-11-22")])

    result = await run_cli("import", str(path), "--dry-run", env=child_env(database), cwd=tmp_path)

    assert result.code == 0
    assert result.stderr.splitlines()[0].startswith("database: ")
    assert result.stderr.splitlines()[1:] == [
        "would create SO-1001: customer Acme Hospital, promised_date 2026-11-20, eta 2026-11-22"
    ]
    assert (
        result.stdout
        == "o.csv: dry run, nothing written: created 1, updated 0, unchanged 0, rejected 0\n"
    )
    async with services.sessions() as session:
        assert await queries.count_orders(session) == 0


async def test_import_with_a_mapping_that_does_not_fit_exits_1_with_the_reason(tmp_path: Path):
    path = write_csv(tmp_path / "o.csv", [{"ID": "1"}])
    env = child_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")

    result = await run_cli("import", str(path), "--map", "order_id=ID", env=env, cwd=tmp_path)

    assert result.code == 1
    assert result.stderr.splitlines()[-1] == (
        "backlog-bot import: missing required column(s) customer, ordered_at, promised_date: "
        "add --map customer=COLUMN --map ordered_at=COLUMN --map promised_date=COLUMN; "
        "the columns are: ID"
    )


async def test_import_with_malformed_options_exits_2(tmp_path: Path):
    path = write_csv(tmp_path / "o.csv", [order_row()])
    env = child_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")

    bad_map = await run_cli("import", str(path), "--map", "order_id", env=env, cwd=tmp_path)
    bad_status = await run_cli("import", str(path), "--status", "x=lost", env=env, cwd=tmp_path)

    assert bad_map.code == 2
    assert "'order_id' is not KEY=VALUE" in bad_map.stderr
    assert bad_status.code == 2
    assert "unknown status 'lost'" in bad_status.stderr


# Modules `--help` and `--version` must not load: each costs a large part of a second.
HEAVY = ("pydantic", "pydantic_settings", "sqlalchemy", "sqlmodel", "slack_bolt", "slack_sdk",
         "aiohttp", "alembic", "uvicorn", "starlette", "apscheduler", "storage", "bot.settings",
         "bot.services")  # fmt: skip
_LOADED_AFTER = """
import sys
from bot.cli.main import main
try:
    main([sys.argv[1]], prog_name="backlog-bot")
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_load_only_the_command_line(option: str, tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-c", _LOADED_AFTER, option],
        env=child_env(), cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip

    loaded = set(result.stdout.splitlines()[-1].split())
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(HEAVY))
    assert heavy == []
    assert "click" in loaded


async def test_help_lists_every_command_with_its_line(tmp_path: Path):
    result = await run_cli("--help", env=child_env(), cwd=tmp_path)

    assert result.code == 0
    assert result.stdout.startswith("Usage: backlog-bot [OPTIONS] COMMAND [ARGS]...")
    commands = result.stdout.split("Commands:\n")[1].split()
    assert [commands[0], *[w for w in commands if w in {"import", "db", "digest"}]] == [
        "run",
        "import",
        "db",
        "digest",
    ]


async def test_version_prints_the_installed_version(tmp_path: Path):
    result = await run_cli("--version", env=child_env(), cwd=tmp_path)

    assert (result.code, result.stdout) == (0, f"backlog-bot, version {version('backlog-bot')}\n")
