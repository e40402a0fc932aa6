"""Block Kit for `/backlog help`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

# A section's text holds at most 3,000 characters; stay clear of it and split instead.
_SECTION_BUDGET = 2800


@dataclass(frozen=True)
class HelpEntry:
    """One subcommand as the help lists it."""

    usage: str
    summary: str


def build_help(entries: Sequence[HelpEntry], *, notice: str | None = None) -> list[Block]:
    """The help message: an optional notice, then every subcommand with its usage."""
    blocks: list[Block] = []
    if notice:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=notice)))
    blocks.append(HeaderBlock(text="Backlog Bot commands"))
    chunk = ""
    for entry in entries:
        line = f"`{entry.usage}`\n{entry.summary}\n"
        if len(chunk) + len(line) > _SECTION_BUDGET:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
            chunk = ""
        chunk += line
    if chunk:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    tip = "Replies to `/backlog` are visible only to you."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tip)]))
    return blocks


def help_text(entries: Sequence[HelpEntry], *, notice: str | None = None) -> str:
    """The plain-text fallback of the help message."""
    lines = [notice] if notice else []
    lines += [f"{entry.usage}: {entry.summary}" for entry in entries]
    return "\n".join(lines)
