"""A digest's "Post all in thread": the rows alone, marked as the continuation of the digest.

The thread hangs under the digest, whose header already carries the counts: repeating them
(and, under a scheduled digest, a test label) would misread as a second digest.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.digests.message import (
    DigestHeading,
    DigestMessage,
    digest_title,
    digest_units,
    row_names,
)
from bot.blocks.kit.message_parts import pack
from bot.blocks.kit.text import clip, escape
from bot.services.digests.content import DigestContent

CONTINUED = "continued from the digest above"
_TEST_FLAG = ":test"  # the button's value under a test digest: "7:test"
_TEXT_CHARS = 3000  # Slack's fallback text is clipped like a section's


def show_all_value(subscription_id: int, test: bool) -> str:
    """The "Post all in thread" button's value: the subscription, and whether it is a test."""
    return f"{subscription_id}{_TEST_FLAG if test else ''}"


def read_show_all_value(value: str) -> tuple[int, bool]:
    """(subscription id, test) from the button's value (digests posted before the flag carry
    the id alone, and were scheduled or tests alike: they read as scheduled)."""
    number, flag, _ = value.partition(_TEST_FLAG)
    return int(number), bool(flag)


def build_continuation(content: DigestContent, heading: DigestHeading) -> list[DigestMessage]:
    """Every listed row, in thread replies labelled as the digest's continuation."""
    units = digest_units(content, heading)
    if not units:
        units = [[SectionBlock(text=MarkdownTextObject(text="Nothing is lagging now. :tada:"))]]
    pages = pack([], units)
    names = row_names(content)
    title = f"{digest_title(heading)}, {CONTINUED}"
    messages = []
    for number, blocks in enumerate(pages, start=1):
        label = f"{title} · part {number}/{len(pages)}" if len(pages) > 1 else title
        listed = ", ".join(names[b.block_id] for b in blocks if b.block_id in names)
        text = clip(f"{label}: {listed}" if listed else label, _TEXT_CHARS)
        label_block: Block = ContextBlock(
            elements=[MarkdownTextObject(text=clip(escape(label), 250))]
        )
        messages.append(DigestMessage(text, [label_block, *blocks]))
    return messages
