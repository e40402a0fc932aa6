"""Block Kit for `/backlog digest list` and the modal shown after saving a subscription."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.digests.notices import digest_scope
from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, escape
from bot.services.digests.spec import Grouping
from bot.services.digests.subscriptions import SubscriptionStatus
from storage.digests.tables import DigestSubscription

# Two blocks per subscription, the header and a footer: 50 blocks hold 24 subscriptions.
LISTED = 24


def build_subscription_list(
    items: list[SubscriptionStatus], notice: str | None = None
) -> list[Block]:
    """Each subscription with its next run, last success and last error, and its buttons."""
    blocks: list[Block] = [HeaderBlock(text=f"Digest subscriptions: {len(items)}")]
    if notice:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(notice, 2000))]))
    if not items:
        text = "No digests yet. `/backlog digest add` sets one up."
        return [*blocks, SectionBlock(text=MarkdownTextObject(text=text))]
    for item in items[:LISTED]:
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=_line(item))),
            _buttons(item.subscription),
        ]
    if len(items) > LISTED:
        more = f"+{len(items) - LISTED} more: `backlog-bot digest list` shows every one."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return blocks


def subscription_list_text(items: list[SubscriptionStatus]) -> str:
    """The list's plain-text fallback."""
    listed = "; ".join(f"#{i.subscription.id} to <#{i.subscription.channel_id}>" for i in items)
    return f"Digest subscriptions: {len(items)}" + (f": {listed}" if listed else "")


def _line(item: SubscriptionStatus) -> str:
    sub = item.subscription
    zone = ZoneInfo(sub.zone)
    scope = digest_scope(sub) or "All open orders"
    grouping = Grouping(sub.grouping).label.lower()
    upcoming = (
        f"Next: {_named_at(item.next_run, zone)}"
        if item.next_run
        else ":double_vertical_bar: Paused"
    )
    success = _named_at(sub.last_success_at, zone) if sub.last_success_at else "never"
    lines = [
        f"*#{sub.id}* to <#{sub.channel_id}> · {escape(item.schedule)}",
        f"{escape(clip(scope, 400))} · {grouping} · up to {sub.max_rows} rows",
        f"{upcoming} · Last success: {success}",
    ]
    if sub.last_error:
        since = f" since {_named_at(sub.last_error_at, zone)}" if sub.last_error_at else ""
        lines.append(f":warning: Failing{since}: `{escape(clip(sub.last_error, 200))}`")
    return "\n".join(lines)


def _at(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b %H:%M}"


def _named_at(moment: datetime, zone: ZoneInfo) -> str:
    # Named, like `backlog-bot digest list`: a reader in another zone sees which one it is.
    return f"{_at(moment, zone)} {zone.key}"


def _buttons(sub: DigestSubscription) -> Block:
    pause = "resume" if sub.paused else "pause"
    confirm = ConfirmObject(
        title="Remove this digest?", text=f"Digest #{sub.id} and its history will be deleted.",
        confirm="Remove", deny="Keep",
    )  # fmt: skip
    return ActionsBlock(
        block_id=f"digest_actions:{sub.id}",
        elements=[
            ButtonElement(text="Edit", action_id=ids.DIGEST_EDIT_ACTION, value=str(sub.id)),
            ButtonElement(
                text=pause.title(), action_id=ids.DIGEST_PAUSE_ACTION, value=f"{sub.id}:{pause}"
            ),
            ButtonElement(text="Post a test", action_id=ids.DIGEST_TEST_ACTION, value=str(sub.id)),
            ButtonElement(
                text="Remove",
                action_id=ids.DIGEST_REMOVE_ACTION,
                value=str(sub.id),
                style="danger",
                confirm=confirm,
            ),
        ],
    )


def build_saved_view(sub: DigestSubscription, schedule: str, runs: list[datetime]) -> View:
    """What the modal turns into once saved: where and when the digest goes."""
    zone = ZoneInfo(sub.zone)
    upcoming = ", ".join(_at(run, zone) for run in runs)
    text = (
        f"Digest *#{sub.id}* posts to <#{sub.channel_id}> {escape(schedule)}.\n"
        f"Next runs: {upcoming}.\n`/backlog digest list` shows it; `/backlog digest test "
        f"{sub.id}` posts one now."
    )
    return View(
        type="modal", callback_id=ids.DIGEST_MODAL, title="Digest saved", close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )  # fmt: skip
