"""Short feedback replies: logged, refused, follow-up DM, weekly report (un)subscribed."""

from __future__ import annotations

from datetime import date, tzinfo

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.blocks.kit.text import clip, escape, moment
from bot.blocks.orders.card import build_order_card
from bot.services.core.schedule import describe
from bot.services.feedback.digests import FeedbackSubscription
from bot.services.feedback.entries import FeedbackEntry
from bot.services.orders.reader import OrderDetail

BOT_MESSAGE_REFUSAL = (
    "That message comes from Backlog Bot itself, so it is not customer feedback. "
    "Use *Log customer feedback* on the customer's own message (or a note of the call)."
)


def _target(entry: FeedbackEntry) -> str:
    return entry.external_id or f"{entry.customer} (no order)"


def feedback_logged_text(entry: FeedbackEntry, duplicate: bool = False) -> str:
    """What the rep sees after logging."""
    if duplicate:
        return f"That feedback on {_target(entry)} was already logged; nothing new was saved."
    return f"Logged customer feedback on {_target(entry)} ({entry.summary})."


def build_feedback_logged(
    detail: OrderDetail, entry: FeedbackEntry, today: date, zone: tzinfo, duplicate: bool
) -> list[Block]:
    """The confirmation over the order card, whose feedback section has the Edit button."""
    notice = escape(feedback_logged_text(entry, duplicate))
    if not duplicate and entry.sentiment is None:
        notice += " Set its sentiment and tags with *Edit* below."
    head = SectionBlock(text=MarkdownTextObject(text=f":speech_balloon: {notice}"))
    return [head, *build_order_card(detail, today, zone)]


def follow_up_text(entry: FeedbackEntry, actor: str) -> str:
    """The DM to the follow-up owner someone else named."""
    said = clip(" ".join(entry.text.split()), 300)
    return (
        f"<@{actor}> logged customer feedback on {escape(_target(entry))} "
        f"({escape(entry.summary)}) and asked you to follow up: “{escape(said)}”"
    )


def subscribed_text(subscription: FeedbackSubscription, zone: tzinfo) -> str:
    """The weekly report is set up."""
    team = f" for team {escape(subscription.team)}" if subscription.team else ""
    return (
        f"<#{subscription.channel_id}> gets the customer feedback report{team} "
        f"{describe(subscription.schedule)}, covering the 7 days before. "
        f"First one: {moment(subscription.next_run, zone)}."
    )


def unsubscribed_text(channel_id: str, stopped: bool) -> str:
    """The weekly report is stopped, or there was none."""
    if stopped:
        return f"<#{channel_id}> no longer gets the weekly customer feedback report."
    return f"<#{channel_id}> has no weekly customer feedback report to stop."


def delivery_failed_text(channel_id: str, error: str) -> str:
    """The DM to whoever subscribed when Slack refused the weekly report."""
    hint = " Invite @Backlog Bot to the channel." if error == "not_in_channel" else ""
    where = f"<#{channel_id}>"
    return f"The weekly customer feedback report could not be posted in {where}: {error}.{hint}"
