"""Orders pushed over the ingest API: validation, idempotent batches, per-item results."""

from bot.services.ingest.api_batches import (
    MAX_BATCH,
    BatchProblem,
    IdempotencyProblem,
    IngestService,
    KeyProblem,
    PatchProblem,
)
from bot.services.ingest.results import IngestResult, ItemResult, Verdict

__all__ = [
    "MAX_BATCH",
    "BatchProblem",
    "IdempotencyProblem",
    "IngestResult",
    "IngestService",
    "ItemResult",
    "KeyProblem",
    "PatchProblem",
    "Verdict",
]
