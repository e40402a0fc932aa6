"""Block Kit for short ephemeral replies: usage errors, not-found with suggestions."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.kit import ids
from bot.blocks.kit.text import clip, escape
from storage.orders.tables import Order

# Problems quote what was typed, and a command may be far longer than a section's 3,000.
_PROBLEM_LIMIT = 2000


def build_usage(problem: str, usage: str) -> list[Block]:
    """What was wrong and the exact usage of the subcommand."""
    text = f"{clip(escape(problem), _PROBLEM_LIMIT)}\nUsage: `{usage}`"
    return [SectionBlock(text=MarkdownTextObject(text=text))]


def build_not_found(external_id: str, suggestions: list[Order]) -> list[Block]:
    """No such order; close matches as Open buttons."""
    text = f"I can't find order `{escape(clip(external_id, 100))}`."
    if not suggestions:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text=text + " Check the id, or try `/backlog customer NAME`."
                )
            )
        ]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text + " Did you mean:"))]
    buttons = [
        ButtonElement(
            text=clip(f"{o.external_id} · {o.customer}", 75),
            action_id=f"{ids.OPEN_ORDER_ACTION}:{n}",
            value=o.external_id,
        )
        for n, o in enumerate(suggestions)
    ]
    blocks.append(ActionsBlock(block_id=ids.SUGGESTIONS_BLOCK, elements=buttons))
    return blocks


def not_found_text(external_id: str, suggestions: list[Order]) -> str:
    """The plain-text fallback of build_not_found."""
    close = ", ".join(o.external_id for o in suggestions)
    return f"I can't find order {external_id}." + (f" Did you mean: {close}?" if close else "")


def build_unknown_word(word: str, usage: str) -> list[Block]:
    """Neither an order nor a subcommand: the closest subcommand and where the rest are."""
    return [SectionBlock(text=MarkdownTextObject(text=_unknown_word(word, f"`{usage}`")))]


def unknown_word_text(word: str, usage: str) -> str:
    """The plain-text fallback of build_unknown_word."""
    return _unknown_word(word, usage).replace("`", "")


def _unknown_word(word: str, usage: str) -> str:
    shown = escape(clip(word, 100))
    return (
        f"I can't find order `{shown}`, and `/backlog {shown}` is no subcommand."
        f" Did you mean {usage}? `/backlog help` lists every subcommand."
    )


def slack_unavailable_text(reason: str) -> str:
    """A click or command that failed because Slack itself did not take the bot's call."""
    return (
        f"Slack did not take that request just now ({reason}), so it did not go through."
        " Please try again in a moment."
    )
