""" "Post all in thread": rows only, each message marked as the digest's continuation."""

from __future__ import annotations

from bot.blocks.digests.continuation import (
    build_continuation,
    read_show_all_value,
    show_all_value,
)
from bot.blocks.digests.message import DigestHeading
from tests.kit.digest_blocks import content_of, digest_order, row_ids, sent, text_of


def test_continuation_of_2000_rows_lists_every_row_once_without_the_header():
    orders = [digest_order(n) for n in range(1, 2001)]

    payloads = sent(build_continuation(content_of(orders, previous={}), DigestHeading()))

    assert sorted(i for p in payloads for i in row_ids(p)) == list(range(1, 2001))
    total = len(payloads)
    for number, payload in enumerate(payloads, start=1):
        label = f"Lagging orders, continued from the digest above · part {number}/{total}"
        assert payload["blocks"][0]["elements"][0]["text"] == label
        assert payload["text"].startswith(f"{label}: SO-")
        assert "new since the last digest" not in text_of(payload)
        assert "TEST" not in text_of(payload) + payload["text"]


def test_continuation_of_a_test_digest_is_marked_as_a_test():
    content = content_of([digest_order(1)])

    [payload] = sent(build_continuation(content, DigestHeading(test=True)))

    assert payload["text"] == "[TEST] Lagging orders, continued from the digest above: SO-000001"
    assert "not counted as a delivery" not in text_of(payload)


def test_show_all_value_says_whether_the_digest_was_a_test():
    assert read_show_all_value(show_all_value(7, test=False)) == (7, False)
    assert read_show_all_value(show_all_value(7, test=True)) == (7, True)
    assert read_show_all_value("7") == (7, False)  # posted before the flag existed
