"""Block Kit for a digest: header with counts, supply clusters, grouped rows, thread parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.digests.row_menu import build_row_menu
from bot.blocks.kit import ids
from bot.blocks.kit.message_parts import pack
from bot.blocks.kit.text import clip, days_late, escape, moment, person
from bot.blocks.sync.status import freshness_line
from bot.services.digests.content import Cluster, DigestContent, DigestCounts, DigestRow
from bot.services.digests.spec import Grouping
from bot.services.sync import Freshness

CLUSTERS_SHOWN = 10
_TEXT_CHARS = 3000  # a section's text, and the fallback text of a thread part


@dataclass(frozen=True)
class DigestMessage:
    """One message of a digest: the first goes to the channel, the rest into its thread."""

    text: str
    blocks: list[Block]


@dataclass(frozen=True)
class DigestHeading:
    """What the digest is: its title, scope, whether it is a test, and its "post all" value."""

    title: str = "Lagging orders"
    scope: str = ""
    test: bool = False
    show_all: str | None = None  # the "Post all in thread" button's value; None: no button
    max_rows: int | None = None


def build_digest(
    content: DigestContent, heading: DigestHeading, zone: tzinfo
) -> list[DigestMessage]:
    """The main message and its thread parts; every listed row lands in exactly one of them."""
    pages = pack(_head(content, heading, zone), digest_units(content, heading))
    return _label(pages, content, heading, row_names(content))


def digest_units(content: DigestContent, heading: DigestHeading) -> list[list[Block]]:
    """The digest's rows (threats first, then by group) and its "+N more" line, each a unit
    of blocks that stays in one message."""
    units: list[list[Block]] = [_row(row, content) for row in content.threats]
    if units:
        units[0] = [_threats_header(len(content.threats)), *units[0]]
    for group in content.groups:
        rows = [_row(row, content) for row in group.rows]
        if content.grouping is not Grouping.NONE:
            rows[0] = [_group_header(content.grouping, group.key, len(group.rows)), *rows[0]]
        units += rows
    if content.more:
        units.append([_more(content, heading)])
    return units


def row_names(content: DigestContent) -> dict[str, str]:
    """The order id of each row, by its block id (for the plain-text fallbacks)."""
    return {
        f"{ids.DIGEST_ROW_BLOCK}{row.order.id}": row.order.external_id for row in content.rows()
    }


def digest_text(content: DigestContent, heading: DigestHeading) -> str:
    """The main message's plain-text fallback: the counts."""
    c = content.counts
    parts = [f"{c.lagging} lagging"]
    if c.new is not None and c.resolved is not None:
        parts += [f"{c.new} new", f"{c.resolved} resolved"]
    parts.append(f"{c.not_told_customers} customers not told")
    return f"{digest_title(heading)}: {', '.join(parts)}"


def digest_title(heading: DigestHeading) -> str:
    """The title, marked `[TEST]` on a test digest."""
    return f"[TEST] {heading.title}" if heading.test else heading.title


def _head(content: DigestContent, heading: DigestHeading, zone: tzinfo) -> list[Block]:
    scope = heading.scope or "All open orders"
    when = f"{escape(scope)} · as of {moment(content.generated_at, zone)}"
    if content.freshness is not None:
        when += f" · {_fresh(content.freshness, content.generated_at)}"
    if heading.test:
        when += " · *test digest*: not counted as a delivery"
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"{digest_title(heading)}: {content.counts.lagging} lagging", 150)),
        SectionBlock(text=MarkdownTextObject(text=_counts(content.counts))),
        ContextBlock(elements=[MarkdownTextObject(text=clip(when, 2000))]),
    ]
    if content.only_changes:
        changed = (
            "Only what changed since the last digest: "
            f"{content.candidates} of {content.counts.lagging}."
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=changed)]))
    if content.clusters:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_clusters(content.clusters))))
    if content.is_empty:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_nothing(content))))
    else:
        blocks.append(DividerBlock())
    return blocks


def _fresh(freshness: Freshness, now: datetime) -> str:
    """'orders synced 12 min ago', flagged when the sync has missed its runs."""
    line = freshness_line(freshness.synced_at, now)
    return f":warning: {line}: the upstream sync is behind" if freshness.behind else line


def _counts(c: DigestCounts) -> str:
    parts = [f"*{c.lagging}* lagging"]
    if c.new is None or c.resolved is None:
        parts.append("first digest: nothing to compare with yet")
    else:
        parts += [f"*{c.new}* new since the last digest", f"*{c.resolved}* resolved since"]
    orders = "order" if c.not_told_orders == 1 else "orders"
    parts.append(f"*{c.not_told_customers}* customers not told ({c.not_told_orders} {orders})")
    if c.snoozed:
        parts.append(f"{c.snoozed} snoozed")
    return " · ".join(parts)


def _clusters(found: list[Cluster]) -> str:
    lines = ["*Supply clusters* (3 or more lagging orders sharing a supplier or SKU)"]
    for cluster in found[:CLUSTERS_SHOWN]:
        label = "Supplier" if cluster.field == "supplier" else "SKU"
        lines.append(f"• {label} *{escape(clip(cluster.name, 100))}*: {cluster.count} lagging")
    if len(found) > CLUSTERS_SHOWN:
        lines.append(f"…and {len(found) - CLUSTERS_SHOWN} more clusters")
    return "\n".join(lines)


def _nothing(content: DigestContent) -> str:
    if content.only_changes and content.counts.lagging:
        return "Nothing changed since the last digest."
    return "Nothing is lagging. :tada:"


def _group_header(grouping: Grouping, key: str | None, count: int) -> Block:
    if grouping is Grouping.OWNER:
        name = person(key)
    else:
        name = escape(clip(key, 150)) if key else f"_no {grouping.value}_"
    orders = "order" if count == 1 else "orders"
    return SectionBlock(text=MarkdownTextObject(text=f"*{name}* · {count} {orders}"))


def _threats_header(count: int) -> Block:
    orders = "order" if count == 1 else "orders"
    text = f":warning: *Cancellation threats* · {count} open {orders} at risk"
    return SectionBlock(text=MarkdownTextObject(text=text))


def _row(row: DigestRow, content: DigestContent) -> list[Block]:
    o = row.order
    eta = o.current_eta.isoformat() if o.current_eta else "no ETA"
    why = ", ".join(kind.label for kind in row.reasons) or ("on track" if row.threat else "snoozed")
    new = " · :new:" if row.new else ""
    text = (
        f"*{escape(clip(o.external_id, 80))}* · {escape(clip(o.customer, 60))} · "
        f"{person(o.owner)} · {row.age_days} business days old{new}\n"
        f"ETA {eta} vs promised {o.promised_date.isoformat()} · "
        f"{days_late(o.due, content.today)} · {why}"
    )
    if row.threat:
        text += f"\n:warning: {escape(row.threat)}"
    return [
        SectionBlock(
            block_id=f"{ids.DIGEST_ROW_BLOCK}{o.id}",
            text=MarkdownTextObject(text=clip(text, _TEXT_CHARS)),
            accessory=build_row_menu(o),
        )
    ]


def _more(content: DigestContent, heading: DigestHeading) -> Block:
    limit = f" (this digest lists at most {heading.max_rows})" if heading.max_rows else ""
    text = f"*+{content.more} more* lagging orders not listed here{limit}."
    if heading.show_all is None:
        return SectionBlock(text=MarkdownTextObject(text=text))
    button = ButtonElement(
        text="Post all in thread", action_id=ids.DIGEST_SHOW_ALL_ACTION, value=heading.show_all
    )
    return SectionBlock(
        block_id=ids.DIGEST_SHOW_ALL_BLOCK, text=MarkdownTextObject(text=text), accessory=button
    )


def _label(
    pages: list[list[Block]],
    content: DigestContent,
    heading: DigestHeading,
    names: dict[str, str],
) -> list[DigestMessage]:
    total = len(pages)
    main = DigestMessage(digest_text(content, heading), pages[0])
    if total == 1:
        return [main]
    note = f"Part 1/{total} · the rest is in the thread"
    main.blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    messages = [main]
    for number, blocks in enumerate(pages[1:], start=2):
        label = f"Part {number}/{total} · {digest_title(heading)}"
        listed = ", ".join(names[b.block_id] for b in blocks if b.block_id in names)
        text = clip(f"{label}: {listed}" if listed else label, _TEXT_CHARS)
        label_block = ContextBlock(elements=[MarkdownTextObject(text=clip(escape(label), 250))])
        messages.append(DigestMessage(text, [label_block, *blocks]))
    return messages
