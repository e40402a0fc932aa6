"""The "Log customer feedback" modal: the message's words, an order picker, sentiment, tags.

Slack caps a plain-text input at 3,000 characters while a message may hold 40,000: a longer
message fills several inputs ("part 2 of 3") that are joined back exactly on submission.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    RadioButtonsElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.forms import (
    VALUE,
    FormErrors,
    chosen,
    chosen_values,
    options,
    picked_user,
    raw_text,
    selected,
    submitted_blocks,
)
from bot.blocks.kit.text import person
from bot.services.feedback.entries import FeedbackInput
from storage.feedback.tables import FeedbackTag, Sentiment

TEXT_BLOCK, TARGET_BLOCK = "feedback_text", "feedback_target"
SENTIMENT_BLOCK, TAGS_BLOCK, OWNER_BLOCK = "feedback_sentiment", "feedback_tags", "feedback_owner"
# Service field names -> the block that shows their errors.
FIELD_BLOCKS = {"text": TEXT_BLOCK, "target": TARGET_BLOCK, "sentiment": SENTIMENT_BLOCK}
INPUT_CHARS = 3000  # Slack's cap on a plain-text input, counted here in UTF-16 units to be safe
_PART = re.compile(rf"{TEXT_BLOCK}(?:_(\d+))?")


@dataclass(frozen=True)
class MessageSource:
    """The forwarded message, remembered in the modal's private_metadata."""

    channel_id: str | None = None
    message_ts: str | None = None
    author: str | None = None
    permalink: str | None = None
    response_url: str | None = None  # where to confirm, only to the rep

    def encode(self) -> str:
        data = [self.channel_id, self.message_ts, self.author, self.permalink, self.response_url]
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> MessageSource:
        return cls(*json.loads(text)) if text else cls()


def split_text(text: str, limit: int = INPUT_CHARS) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut after a line break where one is near."""
    parts: list[str] = []
    rest = text
    while _utf16(rest) > limit:
        cut = _fitting(rest, limit)
        newline = rest.rfind("\n", cut // 2, cut)
        cut = newline + 1 if newline > 0 else cut
        parts.append(rest[:cut])
        rest = rest[cut:]
    return [*parts, rest]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fitting(text: str, limit: int) -> int:
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def build_feedback_modal(source: MessageSource, text: str) -> View:
    """Pre-filled with the message's words and link; the rep picks the order and classifies."""
    blocks: list[Block] = [_origin(source)]
    blocks += _text_inputs(split_text(text))
    blocks += [
        InputBlock(
            block_id=TARGET_BLOCK,
            label="Order or customer",
            element=ExternalDataSelectElement(
                action_id=ids.FEEDBACK_TARGET_ACTION,
                placeholder="Type an order id or a customer",
                min_query_length=1,
            ),
            hint="Open orders match by id or customer; or pick the customer without an order.",
        ),
        InputBlock(
            block_id=SENTIMENT_BLOCK,
            label="Sentiment",
            element=RadioButtonsElement(
                action_id=VALUE, options=options((s.value, s.label) for s in Sentiment)
            ),
        ),
        InputBlock(
            block_id=TAGS_BLOCK,
            label="Tags",
            optional=True,
            element=CheckboxesElement(
                action_id=VALUE, options=options((t.value, t.label) for t in FeedbackTag)
            ),
        ),
        InputBlock(
            block_id=OWNER_BLOCK,
            label="Follow-up owner",
            optional=True,
            element=UserSelectElement(action_id=VALUE, placeholder="Who follows up?"),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.FEEDBACK_MODAL,
        title="Customer feedback",
        submit="Log feedback",
        close="Cancel",
        private_metadata=source.encode(),
        blocks=blocks,
    )


def _origin(source: MessageSource) -> Block:
    message = f"<{source.permalink}|a message>" if source.permalink else "a message"
    by = f" by {person(source.author)}" if source.author else ""
    return ContextBlock(elements=[MarkdownTextObject(text=f"From {message}{by}")])


def _text_inputs(parts: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for number, part in enumerate(parts, start=1):
        label = "Customer's words"
        if len(parts) > 1:
            label += f" (part {number} of {len(parts)})"
        element = PlainTextInputElement(
            action_id=VALUE, multiline=True, max_length=INPUT_CHARS, initial_value=part or None
        )
        block_id = TEXT_BLOCK if number == 1 else f"{TEXT_BLOCK}_{number}"
        blocks.append(InputBlock(block_id=block_id, label=label, element=element, optional=True))
    return blocks


@dataclass(frozen=True)
class Target:
    """An order picker option: an order by id, or a customer without an order."""

    external_id: str | None = None
    customer: str | None = None

    def encode(self) -> str:
        return f"o:{self.external_id}" if self.external_id is not None else f"c:{self.customer}"

    @classmethod
    def decode(cls, value: str) -> Target:
        kind, _, rest = value.partition(":")
        return cls(external_id=rest) if kind == "o" else cls(customer=rest)


@dataclass(frozen=True)
class FeedbackForm:
    """A submitted feedback modal."""

    text: str
    target: Target
    sentiment: Sentiment
    tags: frozenset[FeedbackTag]
    follow_up_owner: str | None

    def as_input(self, source: MessageSource) -> FeedbackInput:
        """What the service logs: the form plus where the message came from."""
        return FeedbackInput(
            text=self.text, sentiment=self.sentiment, tags=self.tags,
            external_id=self.target.external_id, customer=self.target.customer,
            author=source.author, follow_up_owner=self.follow_up_owner,
            channel_id=source.channel_id, message_ts=source.message_ts,
            permalink=source.permalink,
        )  # fmt: skip


def read_feedback_form(state: dict[str, Any]) -> FeedbackForm:
    """The modal's values, the text parts joined exactly; FormErrors for what is missing."""
    text = joined_text(state)
    target = selected(state, TARGET_BLOCK, ids.FEEDBACK_TARGET_ACTION)
    sentiment = chosen(state, SENTIMENT_BLOCK, Sentiment)
    errors = {}
    if not text.strip():
        errors[TEXT_BLOCK] = "Write the customer's feedback (it cannot be empty)."
    if target is None:
        errors[TARGET_BLOCK] = "Pick an order, or a customer without an order."
    if sentiment is None:
        errors[SENTIMENT_BLOCK] = "Pick how the customer sounded."
    if errors or target is None or sentiment is None:
        raise FormErrors(errors)
    return FeedbackForm(
        text,
        Target.decode(target),
        sentiment,
        picked_tags(state, TAGS_BLOCK),
        picked_user(state, OWNER_BLOCK),
    )


def joined_text(state: dict[str, Any]) -> str:
    """Every text part in order, exactly as typed (Slack sends an emptied input as null)."""
    parts: list[tuple[int, str]] = []
    for block_id in submitted_blocks(state):
        match = _PART.fullmatch(block_id)
        if match:
            parts.append((int(match[1] or 1), raw_text(state, block_id) or ""))
    return "".join(part for _, part in sorted(parts))


def picked_tags(state: dict[str, Any], block_id: str) -> frozenset[FeedbackTag]:
    """The ticked tags (values this bot never offered are ignored)."""
    known = {tag.value: tag for tag in FeedbackTag}
    return frozenset(known[value] for value in chosen_values(state, block_id) if value in known)
