"""Pulling changed orders from an upstream order system: watermark, mapping, health."""

from bot.services.sync.service import (
    FAILURES_BEFORE_ALERT,
    Freshness,
    SyncPlan,
    SyncRun,
    SyncService,
    SyncSetup,
    SyncStatus,
)
from bot.services.sync.source import OrderSource, RecordMapping, SourceFailed, SourcePage

__all__ = [
    "FAILURES_BEFORE_ALERT",
    "Freshness",
    "OrderSource",
    "RecordMapping",
    "SourceFailed",
    "SourcePage",
    "SyncPlan",
    "SyncRun",
    "SyncService",
    "SyncSetup",
    "SyncStatus",
]
