"""Migration checks: the head revision, going down, and comparing schemas with the models."""

from __future__ import annotations

import warnings
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlmodel import SQLModel

from bot.bootstrap.container import Services
from storage.core.migrate import alembic_config

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


async def differences(services: Services) -> list[Any]:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with warnings.catch_warnings():
            # SQLite cannot reflect expression indexes; index_names() checks those exist.
            warnings.filterwarnings("ignore", ".*expression-based index")
            return list(compare_metadata(context, SQLModel.metadata))

    async with services.engine.connect() as conn:
        return await conn.run_sync(compare)


async def downgrade(services: Services, revision: str) -> None:
    async with services.engine.begin() as conn:
        await conn.run_sync(lambda c: command.downgrade(alembic_config(c), revision))
