"""The digest runs table as a claims table (storage.claims): one claim per subscription slot."""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import SQLModel

RUNS: Table = SQLModel.metadata.tables["digest_runs"]
SLOT_KEY = ("subscription_id", "slot_key")  # the unique key: who claims it posts the slot
