"""Small text helpers shared by the builders: mentions, dates, escaping, truncation."""

from __future__ import annotations

from datetime import date, datetime, tzinfo


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def person(ref: str | None) -> str:
    """A Slack mention for user ids, the address for emails, or 'unassigned'."""
    if not ref:
        return "_unassigned_"
    return f"<@{ref}>" if ref[:1] in "UW" and "@" not in ref else escape(ref)


def day(value: date) -> str:
    """A date as Slack renders it for every reader: 2026-11-24 (Tue)."""
    return f"{value.isoformat()} ({value.strftime('%a')})"


def moment(value: datetime, zone: tzinfo) -> str:
    """A point in time in the bot's zone, to the minute."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def days_late(due: date, today: date) -> str:
    """'3 days late', 'due today' or 'due in 2 days'."""
    delta = (today - due).days
    if delta > 0:
        return f"{delta} day{'s' if delta != 1 else ''} late"
    if delta == 0:
        return "due today"
    return f"due in {-delta} day{'s' if delta != -1 else ''}"
