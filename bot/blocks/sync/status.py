"""Block Kit for the upstream sync: `/backlog sync status` (reusable on the admin Home tab),
the digests' freshness line and the admins' alert after repeated failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.kit.text import clip, escape, moment
from bot.services.sync import FAILURES_BEFORE_ALERT, SyncRun, SyncStatus

_ERROR_LIMIT = 500  # an upstream error page can be long; the gist fits in a line


def ago(then: datetime, now: datetime) -> str:
    """'just now', '12 min ago', '3 h ago', '2 days ago'."""
    elapsed = max(now - then, timedelta(0))
    minutes = int(elapsed.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def freshness_line(last_success: datetime | None, now: datetime) -> str:
    """The digests' line: 'orders synced 12 min ago' (or 'orders never synced')."""
    return f"orders synced {ago(last_success, now)}" if last_success else "orders never synced"


def sync_status_text(status: SyncStatus, now: datetime, zone: tzinfo) -> str:
    """The plain-text fallback (and the whole answer, line by line)."""
    return "\n".join(_lines(status, now, zone, markdown=False))


def build_sync_status(status: SyncStatus, now: datetime, zone: tzinfo) -> list[Block]:
    """The sync's plan, last success, last error and watermark."""
    lines = _lines(status, now, zone, markdown=True)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="\n".join(lines[:-1])))]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=lines[-1])]))
    return blocks


def sync_alert_text(run: SyncRun) -> str:
    """The admins' DM when the sync has failed FAILURES_BEFORE_ALERT times in a row."""
    now = run.finished_at or datetime.now(UTC)
    last = freshness_line(run.last_success_at, now).replace("orders", "Orders were", 1)
    return (
        f"The upstream order sync has failed {FAILURES_BEFORE_ALERT} times in a row. Last error: "
        f"{clip(run.error or 'unknown', _ERROR_LIMIT)}. {last}. "
        "Check UPSTREAM_URL and its credentials; `/backlog sync status` shows the details."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _lines(status: SyncStatus, now: datetime, zone: tzinfo, *, markdown: bool) -> list[str]:
    def bold(text: str) -> str:
        return f"*{text}*" if markdown else text

    def safe(text: str) -> str:
        return escape(text) if markdown else text

    if status.plan is None:
        return [
            bold("Upstream sync is off."),
            "Set UPSTREAM_URL to pull orders (README, section 'Upstream sync').",
        ]
    state, plan = status.state, status.plan
    minutes = int(plan.every.total_seconds() // 60)
    lines = [bold(f"Upstream sync: every {minutes} min from {safe(plan.source)}")]
    if state.last_success_at is not None:
        when = f"{moment(state.last_success_at, zone)} ({ago(state.last_success_at, now)})"
        changed = _count(state.last_changed, "order")
        counts = f"{changed} changed, {_count(state.last_rejected, 'record')} rejected"
        lines.append(f"Last success: {when}: {counts}")
        if state.last_problem:
            lines.append(f"First rejected record: {safe(clip(state.last_problem, _ERROR_LIMIT))}")
    else:
        lines.append("Last success: never")
    if state.consecutive_failures and state.last_error_at is not None:
        failing = f"{bold('Failing')} ({state.consecutive_failures} in a row)"
        when = moment(state.last_error_at, zone)
        lines.append(
            f"{failing}, last at {when}: {safe(clip(state.last_error or '', _ERROR_LIMIT))}"
        )
    watermark = moment(state.watermark, zone) if state.watermark else "the beginning"
    lines.append(f"Next run asks for orders changed since {watermark}.")
    return lines
