"""Digest Block Kit for tests: content from orders, the text and order ids a message shows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.blocks.digests.message import DigestMessage
from bot.blocks.kit import ids
from bot.services.digests.content import Assembly, DigestContent, DigestOrder, DigestRow, assemble
from bot.services.digests.spec import Grouping
from bot.services.orders.lagging import LagKind
from tests.kit.common import checked_message
from tests.kit.digests import NOW, TODAY


def digest_order(n: int, **overrides: Any) -> DigestOrder:
    values: dict[str, Any] = {
        "id": n,
        "external_id": f"SO-{n:06d}",
        "version": 1,
        "customer": f"Customer {n % 97} with a fairly long company name GmbH & Co. KG",
        "owner": f"U{n % 40:08d}",
        "team": "emea",
        "sku": f"SKU-{n % 300}",
        "supplier": f"Supplier {n % 50}",
        "status": "backordered",
        "ordered_at": NOW - timedelta(days=30 + n % 20),
        "promised_date": TODAY - timedelta(days=1 + n % 30),
        "current_eta": TODAY + timedelta(days=n % 9) if n % 2 else None,
        "eta_changed_at": None,
        "last_activity_at": NOW,
        "last_contact_at": None,
        "snoozed_until": None,
    }
    values.update(overrides)
    return DigestOrder(**values)


def content_of(
    orders: list[DigestOrder],
    *,
    grouping: Grouping = Grouping.OWNER,
    limit: int | None = None,
    previous: dict[int, int] | None = None,
    only_changes: bool = False,
) -> DigestContent:
    reasons = (LagKind.OVERDUE, LagKind.SLIPPED, LagKind.NOT_TOLD, LagKind.AGING)
    rows = [DigestRow(o, reasons, 23, previous is not None, True, o.due) for o in orders]
    how = Assembly(grouping, only_changes, limit, previous, frozenset(), TODAY, NOW)
    return assemble(rows, how)


def sent(messages: list[DigestMessage]) -> list[dict[str, Any]]:
    """Each message as chat.postMessage would send it, after the fake Slack's checks."""
    payloads = []
    for message in messages:
        body = {"text": message.text, "blocks": [b.to_dict() for b in message.blocks]}
        payloads.append(checked_message(body))
    return payloads


def row_ids(payload: dict[str, Any]) -> list[int]:
    prefix = ids.DIGEST_ROW_BLOCK
    return [
        int(b["block_id"][len(prefix) :])
        for b in payload["blocks"]
        if b.get("block_id", "").startswith(prefix)
    ]


def text_of(payload: dict[str, Any]) -> str:
    return json.dumps(payload["blocks"], ensure_ascii=False)
