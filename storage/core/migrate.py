"""Apply Alembic migrations through the app's own async engine."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parents[1] / "migrations"
# Any fixed number: several bot processes starting together take turns migrating.
_PG_MIGRATION_LOCK = 7_204_551
log = logging.getLogger("storage.migrate")


@dataclass(frozen=True)
class Step:
    """One migration: its place in the upgrade order (1 = first), Alembic id and summary.

    The ids were not given in upgrade order (0005 runs after 0008, 0009 after 0010); they stay
    as they are, since databases record them, and the step number is what sorts."""

    number: int
    revision: str
    summary: str

    def describe(self) -> str:
        """`step 08 of 10 (revision 0005): digest content`; step numbers sort, ids did not."""
        return (
            f"step {self.number:02d} of {len(steps())} (revision {self.revision}): {self.summary}"
        )


@dataclass(frozen=True)
class MigrationStatus:
    """Where a database stands: its current step (None before the first) and what is pending."""

    current: Step | None
    pending: list[Step]
    unknown_revision: str | None = None  # a revision this code does not know (a newer bot)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config with no ini file: the script location is this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    config.attributes["on_version_apply"] = _log_step
    return config


@cache
def steps() -> tuple[Step, ...]:
    """Every migration, in the order an empty database receives them."""
    script = ScriptDirectory.from_config(alembic_config())
    ordered = reversed(list(script.walk_revisions()))
    return tuple(Step(n, rev.revision, (rev.doc or "").strip()) for n, rev in enumerate(ordered, 1))


def status_of(revision: str | None) -> MigrationStatus:
    """The status of a database recorded at `revision` (None: never migrated)."""
    known = {step.revision: step for step in steps()}
    if revision is None:
        return MigrationStatus(None, list(steps()))
    if revision not in known:
        return MigrationStatus(None, [], unknown_revision=revision)
    current = known[revision]
    return MigrationStatus(current, [s for s in steps() if s.number > current.number])


def _log_step(*, step: Any, **_: Any) -> None:
    if not step.is_upgrade:
        return
    by_id = {s.revision: s for s in steps()}
    for revision in step.up_revision_ids:
        if revision in by_id:
            log.info("migrated to %s", by_id[revision].describe())


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database to `revision` (idempotent; safe with concurrent callers)."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"))
        await conn.run_sync(_upgrade, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


async def status(engine: AsyncEngine) -> MigrationStatus:
    """The database's current step and the migrations it still needs."""
    return status_of(await current_revision(engine))


def _upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
