"""Splitting long content over a message and its thread replies, within Slack's limits."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import Block

# Slack: "up to 50 blocks in each message" (Block Kit reference).
MESSAGE_BLOCKS = 50
# Slack refuses messages past about 12-13k characters of serialised blocks
# (msg_blocks_too_long, measured; see ARCHITECTURE.md): stay below the floor with room to spare.
MESSAGE_CHARS = 11_000
# Kept free in every message for its "Part 2/3" line, added once the number of parts is known.
LABEL_BLOCKS = 1
LABEL_CHARS = 300


def block_chars(block: Block) -> int:
    """The block's size as Slack counts it (compact JSON), plus the comma between blocks."""
    return len(json.dumps(block.to_dict(), ensure_ascii=False, separators=(",", ":"))) + 1


def pack(head: Sequence[Block], units: Sequence[Sequence[Block]]) -> list[list[Block]]:
    """`head` opens the first message; units (blocks that belong together) follow in order,
    starting a new message whenever the next unit would break a limit. Nothing is dropped:
    a unit too big for an empty message raises ValueError.
    """
    pages: list[list[Block]] = [list(head)]
    chars = sum(block_chars(block) for block in head)
    block_room = MESSAGE_BLOCKS - LABEL_BLOCKS
    char_room = MESSAGE_CHARS - LABEL_CHARS
    for unit in units:
        size = sum(block_chars(block) for block in unit)
        if size > char_room or len(unit) > block_room:
            raise ValueError(f"a unit of {len(unit)} blocks, {size} characters fits no message")
        if len(pages[-1]) + len(unit) > block_room or chars + size > char_room:
            pages.append([])
            chars = 0
        pages[-1].extend(unit)
        chars += size
    return pages
