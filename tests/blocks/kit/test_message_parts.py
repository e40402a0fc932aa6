"""Splitting blocks over messages: head first, units whole, within Slack's block and size limits."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block, DividerBlock, SectionBlock

from bot.blocks.kit.message_parts import (
    LABEL_BLOCKS,
    LABEL_CHARS,
    MESSAGE_BLOCKS,
    MESSAGE_CHARS,
    block_chars,
    pack,
)

BLOCK_ROOM = MESSAGE_BLOCKS - LABEL_BLOCKS  # 49: one block is kept for the "Part 2/3" line
CHAR_ROOM = MESSAGE_CHARS - LABEL_CHARS  # 10,700


def divider(name: str) -> DividerBlock:
    """The smallest block there is, named so a test can follow it."""
    return DividerBlock(block_id=name)


def sized(name: str, chars: int) -> SectionBlock:
    """A section whose block_chars is exactly `chars`."""
    base = block_chars(SectionBlock(block_id=name, text="x")) - 1
    block = SectionBlock(block_id=name, text="x" * (chars - base))
    assert block_chars(block) == chars
    return block


def dividers(prefix: str, count: int) -> list[Block]:
    return [divider(f"{prefix}{n}") for n in range(count)]


def names(pages: list[list[Block]]) -> list[list[str | None]]:
    return [[block.block_id for block in page] for page in pages]


def test_block_chars_is_the_compact_json_length_plus_a_comma():
    block = SectionBlock(block_id="b1", text="Hello *world*")

    size = block_chars(block)

    compact = '{"block_id":"b1","text":{"text":"Hello *world*","type":"mrkdwn"},"type":"section"}'
    assert json.loads(compact) == block.to_dict()
    assert size == len(compact) + 1


def test_block_chars_counts_a_non_ascii_character_as_one():
    assert block_chars(SectionBlock(text="é")) == block_chars(SectionBlock(text="e"))
    assert block_chars(SectionBlock(text="📦")) == block_chars(SectionBlock(text="e"))


def test_pack_opens_the_first_message_with_the_head_then_the_units_in_order():
    head = [divider("h1"), divider("h2")]
    units = [[divider("a1"), divider("a2")], [divider("b1")]]

    pages = pack(head, units)

    assert names(pages) == [["h1", "h2", "a1", "a2", "b1"]]


def test_pack_without_a_head_starts_with_the_first_unit():
    pages = pack([], [[divider("a")], [divider("b")]])

    assert names(pages) == [["a", "b"]]


def test_pack_without_units_is_the_head_alone():
    pages = pack([divider("h")], [])

    assert names(pages) == [["h"]]


def test_pack_fills_a_message_up_to_49_blocks():
    head = [divider("h")]
    units = [[block] for block in dividers("u", BLOCK_ROOM - 1)]

    pages = pack(head, units)

    assert [len(page) for page in pages] == [BLOCK_ROOM]


def test_pack_starts_a_new_message_past_49_blocks():
    head = [divider("h")]
    units = [[block] for block in dividers("u", BLOCK_ROOM)]

    pages = pack(head, units)

    assert [len(page) for page in pages] == [BLOCK_ROOM, 1]
    assert names(pages)[1] == [f"u{BLOCK_ROOM - 1}"]


def test_pack_moves_a_unit_that_would_straddle_the_block_limit_whole_to_the_next_message():
    head = [divider("h")]
    units = [[block] for block in dividers("u", BLOCK_ROOM - 2)]  # 48 blocks so far
    units.append([divider("pair-1"), divider("pair-2")])

    pages = pack(head, units)

    assert [len(page) for page in pages] == [BLOCK_ROOM - 1, 2]
    assert names(pages)[1] == ["pair-1", "pair-2"]


def test_pack_fills_a_message_up_to_the_character_budget():
    units = [[sized("a1", 2_675), sized("a2", 2_675)], [sized("b1", 2_675), sized("b2", 2_675)]]

    pages = pack([], units)

    assert names(pages) == [["a1", "a2", "b1", "b2"]]
    assert sum(block_chars(b) for b in pages[0]) == CHAR_ROOM


def test_pack_starts_a_new_message_when_the_next_unit_would_pass_the_character_budget():
    units = [[sized("a1", 2_675), sized("a2", 2_675)], [sized("b1", 2_675), sized("b2", 2_676)]]

    pages = pack([], units)

    assert names(pages) == [["a1", "a2"], ["b1", "b2"]]


def test_pack_counts_the_head_towards_the_first_message():
    head = [sized("h1", 3_000), sized("h2", 3_000)]
    units = [[sized("a", 3_000)], [sized("b", 3_000)]]

    pages = pack(head, units)

    assert names(pages) == [["h1", "h2", "a"], ["b"]]


def test_pack_accepts_a_unit_exactly_as_big_as_an_empty_message():
    head = [divider("h")]
    big_in_blocks = dividers("u", BLOCK_ROOM)
    big_in_chars = [sized(f"c{n}", 2_675) for n in range(4)]

    pages = pack(head, [big_in_blocks, big_in_chars])

    assert [len(page) for page in pages] == [1, BLOCK_ROOM, 4]


@pytest.mark.parametrize(
    "unit",
    [
        dividers("u", BLOCK_ROOM + 1),
        [sized("a", 2_675), sized("b", 2_675), sized("c", 2_675), sized("d", 2_676)],
    ],
    ids=["50 blocks", "10,701 characters"],
)
def test_pack_refuses_a_unit_too_big_for_an_empty_message(unit: list[Block]):
    units: list[list[Block]] = [[divider("before")], unit, [divider("after")]]

    with pytest.raises(ValueError, match="fits no message"):
        pack([divider("h")], units)


@settings(deadline=None, max_examples=40)
@given(
    head_size=st.integers(min_value=0, max_value=5),
    unit_shapes=st.lists(
        st.one_of(  # text-heavy units reach the character budget, many small ones the block limit
            st.lists(st.integers(min_value=1, max_value=2_900), min_size=1, max_size=3),
            st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=12),
        ),
        max_size=30,
    ),
)
def test_pack_keeps_every_block_in_order_units_whole_and_messages_within_limits(
    head_size: int, unit_shapes: list[list[int]]
):
    head: list[Block] = dividers("h", head_size)
    units: list[list[Block]] = [
        [SectionBlock(block_id=f"u{u}-{b}", text="x" * n) for b, n in enumerate(shape)]
        for u, shape in enumerate(unit_shapes)
    ]

    pages = pack(head, units)

    flat = [block for page in pages for block in page]
    assert flat == [*head, *(block for unit in units for block in unit)]
    assert pages[0][:head_size] == head
    for page in pages:
        assert len(page) <= BLOCK_ROOM
        assert sum(block_chars(block) for block in page) <= CHAR_ROOM
    page_of = {block.block_id: n for n, page in enumerate(pages) for block in page}
    for unit in units:
        assert len({page_of[block.block_id] for block in unit}) == 1, "a unit was split"
    for n in range(1, len(pages)):  # a new message only when the next unit did not fit
        previous, first_unit = pages[n - 1], _first_unit(pages[n], units)
        chars = sum(block_chars(b) for b in [*previous, *first_unit])
        assert len(previous) + len(first_unit) > BLOCK_ROOM or chars > CHAR_ROOM


def _first_unit(page: list[Block], units: list[list[Block]]) -> list[Block]:
    return next(unit for unit in units if unit[0] is page[0])
