"""Pieces of the App Home: order rows, team figures, the admins' digest and sync section."""

from __future__ import annotations

from datetime import date, tzinfo

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, day, days_late, escape, moment
from bot.blocks.orders.card import build_order_actions
from bot.services.home.admin_panels import AdminPanel, SubscriptionLine
from bot.services.home.dashboard import PendingExpedite
from bot.services.home.team_figures import FIGURES_TTL, TeamFigures
from bot.services.orders.lagging import due_date
from bot.services.orders.reader import OrderSummary
from bot.services.sync.health import SyncHealth
from storage.orders.tables import Order

DIGEST_COMMANDS = "/backlog digest add|list|edit|pause|remove|test"
_LINE_CHARS = 400  # one subscription or sync line; five of them stay far below 3,000


def order_row(order: Order, text: str, row_id: str) -> list[Block]:
    """Two blocks: the order with an Open button, then the card's own buttons and ⋯ menu."""
    opener = ButtonElement(text="Open", action_id=ids.HOME_OPEN_ACTION, value=order.external_id)
    head = f"*{escape(order.external_id)}* · {escape(clip(order.customer, 80))}"
    section = SectionBlock(
        text=MarkdownTextObject(text=clip(f"{head}\n{text}", 3000)), accessory=opener
    )
    actions = build_order_actions(order, shareable=False, block_id=f"home_row_{row_id}")
    return [section, actions]


def lagging_text(summary: OrderSummary, today: date) -> str:
    """ETA against the promise, lateness, every reason."""
    o = summary.order
    eta = o.current_eta.isoformat() if o.current_eta else "no ETA"
    reasons = ", ".join(kind.label for kind in summary.lagging)
    return (
        f"ETA {eta} (promised {o.promised_date.isoformat()}) · "
        f"{days_late(due_date(o), today)} · {reasons}"
    )


def to_tell_text(summary: OrderSummary, today: date, zone: tzinfo) -> str:
    """What the customer has not heard yet, and when they last heard anything."""
    o = summary.order
    news = (
        f"ETA moved to {day(o.current_eta)}"
        if o.eta_changed_at is not None and o.current_eta is not None
        else f"{days_late(due_date(o), today)}"
    )
    last = moment(o.last_contact_at, zone) if o.last_contact_at else "never"
    return f"{news} · last contact {last}"


def snoozed_text(order: Order, today: date, zone: tzinfo) -> str:
    """When the order wakes up and how it stands."""
    wakes = moment(order.snoozed_until, zone) if order.snoozed_until else "soon"
    return f":zzz: wakes {wakes} · due {day(due_date(order))} ({days_late(due_date(order), today)})"


def expedite_text(pending: PendingExpedite, zone: tzinfo) -> str:
    """When it was asked and why."""
    request = pending.request
    reason = escape(clip(request.reason, 200))
    return f":rocket: asked {moment(request.created_at, zone)}: {reason}"


def build_figures(figures: TeamFigures, zone: tzinfo) -> list[Block]:
    """The four team figures, and whose and how fresh they are."""
    share = f"{figures.lagging / figures.open_orders:.0%}" if figures.open_orders else "–"
    median = "–" if figures.median_age_days is None else f"{figures.median_age_days:g}"
    told = (
        f"{figures.told_percent}% of {figures.with_news:,} with news"
        if figures.told_percent is not None
        else "nobody is waiting for news"
    )
    fields = [
        f"*Open orders*\n{figures.open_orders:,}",
        f"*Lagging*\n{figures.lagging:,} ({share})",
        f"*Median age*\n{median} business days",
        f"*Customer told*\n{told}",
    ]
    whose = f"Team {escape(figures.team)}" if figures.team else "All teams"
    minutes = int(FIGURES_TTL.total_seconds() // 60)
    fresh = (
        f"{whose} · as of {figures.as_of.astimezone(zone):%H:%M} (refreshed every {minutes} min)"
    )
    return [
        SectionBlock(fields=[MarkdownTextObject(text=field) for field in fields]),
        ContextBlock(elements=[MarkdownTextObject(text=fresh)]),
    ]


def build_admin(panel: AdminPanel, zone: tzinfo) -> list[Block]:
    """Digest subscriptions (the first few), how to manage them, and the upstream sync."""
    title = f"*Digest subscriptions* · {panel.total_subscriptions}"
    lines = [_subscription_line(line, zone) for line in panel.subscriptions]
    if not lines:
        lines = ["_No digest subscriptions yet._"]
    more = panel.total_subscriptions - len(panel.subscriptions)
    if more > 0:
        lines.append(f"…and {more} more (`/backlog digest list`)")
    hint = f"Manage them with `{DIGEST_COMMANDS}`."
    return [
        SectionBlock(text=MarkdownTextObject(text=clip("\n".join([title, *lines]), 3000))),
        ContextBlock(elements=[MarkdownTextObject(text=hint)]),
        SectionBlock(text=MarkdownTextObject(text=_sync_text(panel.sync, zone))),
    ]


def _subscription_line(line: SubscriptionLine, zone: tzinfo) -> str:
    sub = line.subscription
    parts = [f"<#{sub.channel_id}>", escape(line.schedule)]
    if line.problem:
        parts.append(f":warning: {escape(line.problem)}")
    elif sub.paused:
        parts.append(":double_vertical_bar: paused")
    elif line.next_run:
        parts.append(f"next {moment(line.next_run, zone)}")
    parts.append(
        f"last success {moment(sub.last_success_at, zone)}" if sub.last_success_at else "never sent"
    )
    if sub.last_error:
        when = f" ({moment(sub.last_error_at, zone)})" if sub.last_error_at else ""
        parts.append(f":warning: last error{when}: {escape(clip(sub.last_error, 150))}")
    return clip("• " + " · ".join(parts), _LINE_CHARS)


def _sync_text(sync: SyncHealth | None, zone: tzinfo) -> str:
    if sync is None:
        return "*Upstream sync* · Upstream sync not configured"
    ok = (
        f"last success {moment(sync.last_success_at, zone)}"
        if sync.last_success_at
        else "no success yet"
    )
    parts = [ok]
    if sync.orders_changed is not None:
        parts.append(f"{sync.orders_changed:,} orders changed in the last run")
    if sync.last_error:
        when = f" ({moment(sync.last_error_at, zone)})" if sync.last_error_at else ""
        parts.append(f":warning: last error{when}: {escape(clip(sync.last_error, 200))}")
    if sync.consecutive_failures:
        parts.append(f"{sync.consecutive_failures} failure(s) in a row")
    return clip("*Upstream sync* · " + " · ".join(parts), 3000)
