"""The digest modal's block ids, which field each shows errors for, and its state reader."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.blocks.kit.forms import any_element, option_value, option_values, string_of
from bot.services.digests.drafts import SubscriptionDraft

CHANNEL, DAYS, TIMES, ZONE = "digest_channel", "digest_days", "digest_times", "digest_zone"
TEAM, OWNER, SUPPLIER, SKU = "digest_team", "digest_owner", "digest_supplier", "digest_sku"
CUSTOMER, STATUSES, KINDS = "digest_customer", "digest_statuses", "digest_kinds"
MIN_AGE, MAX_ROWS, GROUPING = "digest_min_age", "digest_max_rows", "digest_grouping"
STALE_AFTER, AGING_AFTER = "digest_stale_after", "digest_aging_after"
GRACE, OPTIONS, PREVIEW = "digest_grace", "digest_options", "digest_preview_line"
SKIP_EMPTY, ONLY_CHANGES = "skip_when_empty", "only_changes"
# Service field names -> the block that shows their errors.
FIELD_BLOCKS = {
    "channel": CHANNEL, "days": DAYS, "times": TIMES, "zone": ZONE, "statuses": STATUSES,
    "kinds": KINDS, "min_age": MIN_AGE, "max_rows": MAX_ROWS, "grouping": GROUPING,
    "stale_after": STALE_AFTER, "aging_after": AGING_AFTER, "grace_minutes": GRACE,
}  # fmt: skip


def read_digest_draft(state: Mapping[str, Any]) -> SubscriptionDraft:
    """The modal's values as typed (a submission, or the state of a preview click)."""
    options = set(_picked(state, OPTIONS))
    return SubscriptionDraft(
        channel_id=string_of(any_element(state, CHANNEL), "selected_conversation"),
        days=_picked(state, DAYS),
        times=_text(state, TIMES) or "",
        zone=_text(state, ZONE) or "",
        team=_text(state, TEAM),
        owner=string_of(any_element(state, OWNER), "selected_user"),
        supplier=_text(state, SUPPLIER),
        sku=_text(state, SKU),
        customer=_text(state, CUSTOMER),
        statuses=_picked(state, STATUSES),
        kinds=_picked(state, KINDS),
        min_age=_text(state, MIN_AGE),
        max_rows=_text(state, MAX_ROWS),
        grouping=option_value(any_element(state, GROUPING)),
        stale_after=_text(state, STALE_AFTER),
        aging_after=_text(state, AGING_AFTER),
        grace_minutes=_text(state, GRACE),
        skip_when_empty=SKIP_EMPTY in options,
        only_changes=ONLY_CHANGES in options,
    )


def _text(state: Mapping[str, Any], block: str) -> str | None:
    # Each block holds one element; the preview-refreshing ones have another action_id.
    return (string_of(any_element(state, block), "value") or "").strip() or None


def _picked(state: Mapping[str, Any], block: str) -> tuple[str, ...]:
    return tuple(option_values(any_element(state, block)))
