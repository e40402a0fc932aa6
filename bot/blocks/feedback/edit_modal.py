"""The card's feedback Edit modal: sentiment, tags and follow-up owner of one note."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    Option,
    RadioButtonsElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.feedback.log_modal import picked_tags
from bot.blocks.kit import ids
from bot.blocks.kit.forms import VALUE, FormErrors, chosen, picked_user
from bot.blocks.orders.feedback_section import FeedbackRef
from storage.feedback.tables import FeedbackTag, Sentiment

EDIT_SENTIMENT, EDIT_TAGS, EDIT_OWNER = "edit_sentiment", "edit_tags", "edit_owner"


@dataclass(frozen=True)
class EditContext:
    """What the edit modal remembers: the note, the card to redraw, who followed up before."""

    feedback_id: int
    external_id: str | None
    response_url: str | None
    follow_up_owner: str | None = None

    def encode(self) -> str:
        data = [self.feedback_id, self.external_id, self.response_url, self.follow_up_owner]
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> EditContext:
        feedback_id, external_id, response_url, owner = json.loads(text)
        return cls(int(feedback_id), external_id, response_url, owner)


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=label)


def build_feedback_edit_modal(ref: FeedbackRef, ctx: EditContext) -> View:
    """The note's classification as it is, ready to change."""
    sentiments = [_option(s.value, s.label) for s in Sentiment]
    tags = [_option(t.value, t.label) for t in FeedbackTag]
    chosen = [o for o in tags if o.value in {t.value for t in ref.tags}]
    initial = next((o for o in sentiments if ref.sentiment and o.value == ref.sentiment), None)
    blocks = [
        InputBlock(
            block_id=EDIT_SENTIMENT,
            label="Sentiment",
            element=RadioButtonsElement(
                action_id=VALUE, options=sentiments, initial_option=initial
            ),
        ),
        InputBlock(
            block_id=EDIT_TAGS,
            label="Tags",
            optional=True,
            element=CheckboxesElement(
                action_id=VALUE, options=tags, initial_options=chosen or None
            ),
        ),
        InputBlock(
            block_id=EDIT_OWNER,
            label="Follow-up owner",
            optional=True,
            element=UserSelectElement(
                action_id=VALUE, placeholder="Who follows up?", initial_user=ref.follow_up_owner
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.FEEDBACK_EDIT_MODAL,
        title="Customer feedback",
        submit="Save",
        close="Cancel",
        private_metadata=ctx.encode(),
        blocks=blocks,
    )


@dataclass(frozen=True)
class EditForm:
    """A submitted edit modal."""

    sentiment: Sentiment
    tags: frozenset[FeedbackTag]
    follow_up_owner: str | None


def read_edit_form(state: dict[str, Any]) -> EditForm:
    """The edit modal's values; FormErrors without a sentiment."""
    sentiment = chosen(state, EDIT_SENTIMENT, Sentiment)
    if sentiment is None:
        raise FormErrors({EDIT_SENTIMENT: "Pick how the customer sounded."})
    owner = picked_user(state, EDIT_OWNER)
    return EditForm(sentiment, picked_tags(state, EDIT_TAGS), owner)
