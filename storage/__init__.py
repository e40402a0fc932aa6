"""Storage: SQLModel tables, engine and sessions, named queries, Alembic migrations."""

from storage import alert_models, digest_models, models  # noqa: F401 - every table registers on the metadata
