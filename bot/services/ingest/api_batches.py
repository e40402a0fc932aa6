"""The ingest use case: validate a pushed batch, upsert what is valid, remember the key."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.errors import BacklogError, OrderNotFound
from bot.services.ingest.items import apply_in_order, read_item, read_patch
from bot.services.ingest.order_fields import FieldProblem, RecordReader, ValueFormat
from bot.services.ingest.order_writer import OrderChange, OrderInput, OrderWriter, Outcome
from bot.services.ingest.results import IngestResult, ItemResult
from storage.ingest import queries as ingest_queries
from storage.orders import queries as order_queries
from storage.orders.tables import EventSource

MAX_BATCH = 1000
# A retry comes within minutes; a day covers a client's outage and keeps the table small.
KEY_REPLAY_WINDOW = timedelta(hours=24)
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as HTTP header values allow
ACTOR = "api"
_CANONICAL = {"current_eta": "eta"}  # the column a source's eta lands in


class BatchProblem(BacklogError, ValueError):
    """The request as a whole is not a batch of orders (empty, too long, wrong shape)."""


class PatchProblem(BacklogError, ValueError):
    """A partial change that cannot be applied; `problems` name each field and why."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__(
            "the change cannot be applied: " + "; ".join(f"{p.field}: {p.reason}" for p in problems)
        )
        self.problems = tuple(problems)


class KeyProblem(StrEnum):
    """What is wrong with an Idempotency-Key."""

    MALFORMED = "malformed"
    REUSED = "reused"  # used before for a different body
    BUSY = "busy"  # a request with this key is still being answered


class IdempotencyProblem(BacklogError, ValueError):
    """The Idempotency-Key cannot be honoured; `kind` says why."""

    def __init__(self, reason: str, kind: KeyProblem) -> None:
        super().__init__(reason)
        self.kind = kind


class IngestService:
    """Upserts pushed orders through the CSV import's writer: same rules, same event log."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        zone: tzinfo,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        # Dates without an offset are read in the bot's zone, numeric dates month first, as
        # the CSV import reads them by default.
        self._reader = RecordReader(ValueFormat(timezone=zone))

    async def submit(self, body: Any, idempotency_key: str | None = None) -> IngestResult:
        """Apply one order (a JSON object) or a batch (an array of up to MAX_BATCH objects).

        Valid items land together in one transaction; invalid ones are reported, item by item.
        With a key, the first result is stored with it and a retry gets that result again.
        Bodies are told apart by their canonical JSON: a retry serialised differently (key
        order, spacing) is the same request.
        """
        items = _items(body)
        if idempotency_key is not None:
            _check_key(idempotency_key)
        fingerprint = _fingerprint(body)
        read = [read_item(self._reader, item, f"api item {i}") for i, item in enumerate(items)]
        async with self._sessions() as session:
            now = self._clock()
            if idempotency_key is not None:
                stored = await self._claim(session, idempotency_key, fingerprint, now)
                if stored is not None:
                    return stored
            result = await self._write(session, items, read, now)
            if idempotency_key is not None:
                await ingest_queries.store_key_result(session, idempotency_key, result.to_json())
            await session.commit()
        return result

    async def patch(self, order_id: str, body: Any) -> ItemResult:
        """Change some fields of a stored order (a JSON object of canonical fields).

        The same rules as a POST of the whole order: an older updated_at is skipped, null or ""
        changes nothing, every change is an event. OrderNotFound for an unknown order.
        """
        async with self._sessions() as session:
            if not await order_queries.orders_by_external_id(session, [order_id]):
                raise OrderNotFound(order_id, [])
            read = read_patch(self._reader, order_id, body, "api patch")
            if isinstance(read, list):
                raise PatchProblem(read)
            writer = OrderWriter(session, source=EventSource.API, actor=ACTOR, now=self._clock())
            [change] = await writer.apply([OrderInput(order_id, read.fields, read.origin)])
            await session.commit()
        return _item_result(0, change)

    async def _claim(
        self, session: AsyncSession, key: str, fingerprint: str, now: datetime
    ) -> IngestResult | None:
        """None when this request holds the key now; otherwise the stored result to replay."""
        await ingest_queries.purge_keys(session, now - KEY_REPLAY_WINDOW)
        if await ingest_queries.claim_key(session, key, fingerprint, now):
            return None
        await session.rollback()
        stored = await ingest_queries.key_by_name(session, key)
        if stored is None or stored.result is None:  # purged between the two statements
            raise IdempotencyProblem(
                f"Idempotency-Key {key!r} is in use; retry the request", KeyProblem.BUSY
            )
        if stored.fingerprint != fingerprint:
            raise IdempotencyProblem(
                f"Idempotency-Key {key!r} was used for a different request body; "
                "send a new key for new content",
                KeyProblem.REUSED,
            )
        return IngestResult.from_json(stored.result, replayed=True)

    async def _write(
        self,
        session: AsyncSession,
        items: Sequence[Any],
        read: list[OrderInput | list[FieldProblem]],
        now: datetime,
    ) -> IngestResult:
        valid = [(i, item) for i, item in enumerate(read) if isinstance(item, OrderInput)]
        writer = OrderWriter(session, source=EventSource.API, actor=ACTOR, now=now)
        changes = await apply_in_order(writer, [item for _, item in valid])
        results: dict[int, ItemResult] = {
            index: _item_result(index, change)
            for (index, _), change in zip(valid, changes, strict=True)
        }
        for index, item in enumerate(read):
            if isinstance(item, list):
                order_id = _stated_id(items[index])
                results[index] = ItemResult(index, order_id, Outcome.REJECTED, problems=tuple(item))
        return IngestResult(tuple(results[index] for index in range(len(read))))


def _items(body: Any) -> Sequence[Any]:
    if isinstance(body, dict):
        return [body]
    if not isinstance(body, list):
        raise BatchProblem("send one order as a JSON object or a batch as a JSON array of them")
    if not body:
        raise BatchProblem("the batch is empty: send at least one order")
    if len(body) > MAX_BATCH:
        raise BatchProblem(f"a batch holds at most {MAX_BATCH:,} orders, not {len(body):,}")
    return body


def _stated_id(item: Any) -> str | None:
    """The order id a rejected item names, if it names one, to tell the client which it was."""
    stated = item.get("order_id") if isinstance(item, dict) else None
    if isinstance(stated, str | int) and not isinstance(stated, bool):
        return str(stated)[:128]
    return None


def _check_key(key: str) -> None:
    if not _KEY.fullmatch(key):
        raise IdempotencyProblem(
            "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice)",
            KeyProblem.MALFORMED,
        )


def _fingerprint(body: Any) -> str:
    """The same JSON, however it is spaced, escaped or its keys ordered, gives the same
    fingerprint; so do equal numbers written differently (12.5, 12.50, 1.25e1)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=_number)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _number(value: Any) -> str:
    if not isinstance(value, Decimal):
        return str(value)
    # The API parses JSON fractions as exact Decimals. Trailing zeros are dropped by hand:
    # normalize() would round to 28 digits and overflow on 1e999999999.
    sign, digits, exponent = value.as_tuple()
    coefficient = "".join(map(str, digits)).rstrip("0")
    if not coefficient:
        return "0"
    exponent = int(exponent) + len(digits) - len(coefficient)
    return f"{'-' if sign else ''}{coefficient}e{exponent}"


def _item_result(index: int, change: OrderChange) -> ItemResult:
    if change.outcome is Outcome.REJECTED:
        problem = FieldProblem("(item)", change.reason or "rejected")
        return ItemResult(index, change.external_id, change.outcome, problems=(problem,))
    changed = tuple(dict.fromkeys(_CANONICAL.get(c.field, c.field) for c in change.changes))
    return ItemResult(index, change.external_id, change.outcome, changed, note=change.reason)
