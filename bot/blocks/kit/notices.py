"""Small modals: a notice where no response_url exists (Home tab, modals), and a loading view."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.blocks.kit import ids
from bot.blocks.kit.text import clip


def build_notice_modal(text: str, title: str = "Backlog") -> View:
    """A short answer in a modal; `text` is mrkdwn (escape what users typed)."""
    return View(
        type="modal",
        callback_id=ids.NOTICE_MODAL,
        title=clip(title, 24),
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))],
    )


def build_loading_modal(title: str, text: str) -> View:
    """What opens at once (a trigger_id lasts 3 s); views.update replaces it moments later."""
    return build_notice_modal(f":hourglass_flowing_sand: {text}", title)
