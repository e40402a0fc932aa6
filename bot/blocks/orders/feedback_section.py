"""Customer feedback on the order card: the newest notes, each with an Edit button."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import tzinfo

from slack_sdk.models.blocks import Block, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, escape, moment, person
from bot.services.feedback.entries import FeedbackEntry
from storage.feedback.tables import FeedbackTag, Sentiment

_TEXT_CHARS = 300  # two notes stay far inside a section's 3,000 characters and the card's 12k
_SENTIMENT_ICONS = {
    Sentiment.NEGATIVE: ":red_circle:",
    Sentiment.NEUTRAL: ":white_circle:",
    Sentiment.POSITIVE: ":large_green_circle:",
}


@dataclass(frozen=True)
class FeedbackRef:
    """What the Edit button carries: enough to open the edit modal without the database."""

    feedback_id: int
    external_id: str | None
    sentiment: Sentiment | None
    tags: tuple[FeedbackTag, ...]
    follow_up_owner: str | None

    @classmethod
    def of(cls, entry: FeedbackEntry) -> FeedbackRef:
        return cls(entry.id, entry.external_id, entry.sentiment, entry.tags, entry.follow_up_owner)

    def encode(self) -> str:
        data = {
            "f": self.feedback_id,
            "o": self.external_id,
            "s": self.sentiment.value if self.sentiment else None,
            "t": [tag.value for tag in self.tags],
            "u": self.follow_up_owner,
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> FeedbackRef:
        d = json.loads(text)
        sentiment = Sentiment(d["s"]) if d.get("s") else None
        tags = tuple(FeedbackTag(t) for t in d.get("t", []))
        return cls(int(d["f"]), d.get("o"), sentiment, tags, d.get("u"))


def build_feedback_section(entries: list[FeedbackEntry], zone: tzinfo) -> list[Block]:
    """One section per note, newest first, each with its Edit button."""
    return [
        SectionBlock(
            text=MarkdownTextObject(text=_note(entry, zone)),
            accessory=ButtonElement(
                text="Edit",
                action_id=ids.FEEDBACK_EDIT_ACTION,
                value=FeedbackRef.of(entry).encode(),
            ),
        )
        for entry in entries
    ]


def _note(entry: FeedbackEntry, zone: tzinfo) -> str:
    icon = _SENTIMENT_ICONS[entry.sentiment] if entry.sentiment else ":grey_question:"
    said = clip(" ".join(entry.text.split()), _TEXT_CHARS)
    source = f" · <{entry.permalink}|message>" if entry.permalink else ""
    follow = f" · follow-up {person(entry.follow_up_owner)}" if entry.follow_up_owner else ""
    return (
        f"*Customer feedback* {icon} {escape(entry.summary)}\n"
        f"> {escape(said)}\n"
        f"_{person(entry.logged_by)}, {moment(entry.created_at, zone)}{source}{follow}_"
    )
