"""Alembic environment: runs on the connection handed over by storage.core.migrate."""

from alembic import context
from sqlmodel import SQLModel

import storage.orders.tables  # noqa: F401 - registers the tables on SQLModel.metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `backlog-bot db upgrade`, which supplies a connection")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    compare_type=True,
    # Logs each applied step with its place in the upgrade order (storage.core.migrate).
    on_version_apply=context.config.attributes.get("on_version_apply"),
)
with context.begin_transaction():
    context.run_migrations()
