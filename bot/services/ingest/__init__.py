"""Orders pushed over the ingest API: validation, idempotent batches, per-item results."""

from bot.services.ingest.results import IngestResult, ItemResult, Verdict
from bot.services.ingest.service import (
    MAX_BATCH,
    BatchProblem,
    IdempotencyProblem,
    IngestService,
    KeyProblem,
)

__all__ = [
    "MAX_BATCH",
    "BatchProblem",
    "IdempotencyProblem",
    "IngestResult",
    "IngestService",
    "ItemResult",
    "KeyProblem",
    "Verdict",
]
