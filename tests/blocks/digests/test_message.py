"""The digest's Block Kit: every row accounted for across a message and its thread parts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, timedelta

import pytest

from bot.blocks.digests.message import DigestHeading, build_digest
from bot.blocks.digests.row_menu import RowChoice, decode_choice, encode_choice
from bot.blocks.kit import ids
from bot.blocks.kit.message_parts import MESSAGE_BLOCKS
from bot.services.digests.content import Assembly, DigestRow, assemble
from bot.services.digests.spec import Grouping
from bot.services.orders.lagging import LagKind
from bot.services.sync import Freshness
from tests.kit.digest_blocks import content_of, digest_order, row_ids, sent, text_of
from tests.kit.digests import NOW, TODAY


@pytest.mark.parametrize("grouping", list(Grouping))
def test_digest_of_2000_rows_splits_into_valid_messages_listing_every_row_once(
    grouping: Grouping,
):
    orders = [digest_order(n) for n in range(1, 2001)]

    payloads = sent(build_digest(content_of(orders, grouping=grouping), DigestHeading(), UTC))

    listed = [order_id for payload in payloads for order_id in row_ids(payload)]
    assert sorted(listed) == list(range(1, 2001))
    assert all(len(p["blocks"]) <= MESSAGE_BLOCKS for p in payloads)
    total = len(payloads)
    assert total > 2
    assert "Part 1/" in text_of(payloads[0])
    for number, payload in enumerate(payloads[1:], start=2):
        assert payload["blocks"][0]["elements"][0]["text"].startswith(f"Part {number}/{total}")
        assert payload["text"].startswith(f"Part {number}/{total} · Lagging orders: SO-")


def test_digest_rows_keep_the_most_overdue_first_order_across_parts():
    orders = [digest_order(n) for n in range(1, 301)]
    content = content_of(orders, grouping=Grouping.NONE)

    payloads = sent(build_digest(content, DigestHeading(), UTC))

    listed = [order_id for payload in payloads for order_id in row_ids(payload)]
    assert listed == [row.order.id for row in content.rows()]


def test_digest_capped_by_max_rows_counts_the_rest_and_offers_to_post_all():
    orders = [digest_order(n) for n in range(1, 2001)]
    heading = DigestHeading(show_all="7", max_rows=200)

    payloads = sent(build_digest(content_of(orders, limit=200), heading, UTC))

    listed = [order_id for payload in payloads for order_id in row_ids(payload)]
    assert len(listed) == len(set(listed)) == 200
    last = payloads[-1]["blocks"][-1]
    assert last["block_id"] == ids.DIGEST_SHOW_ALL_BLOCK
    assert last["text"]["text"] == (
        "*+1800 more* lagging orders not listed here (this digest lists at most 200)."
    )
    assert last["accessory"]["action_id"] == ids.DIGEST_SHOW_ALL_ACTION
    assert last["accessory"]["value"] == "7"
    assert "*2000* lagging" in text_of(payloads[0])


def test_digest_header_counts_lagging_new_resolved_customers_not_told_and_snoozed():
    orders = [digest_order(n, customer=f"C{n % 2}") for n in range(1, 6)]
    previous = {1: 1, 99: 1, 98: 1}
    content = content_of(orders, previous=previous)

    [payload] = sent(build_digest(content, DigestHeading(scope="team emea"), UTC))

    assert payload["blocks"][0]["text"]["text"] == "Lagging orders: 5 lagging"
    assert payload["blocks"][1]["text"]["text"] == (
        "*5* lagging · *5* new since the last digest · *2* resolved since · "
        "*2* customers not told (5 orders)"
    )
    assert "team emea · as of 2026-11-24 09:00" in text_of(payload)
    assert payload["text"] == ("Lagging orders: 5 lagging, 5 new, 2 resolved, 2 customers not told")


def test_digest_row_shows_order_customer_owner_age_eta_vs_promise_and_why():
    order = digest_order(
        1, customer="Acme <Hospital>", current_eta=date(2026, 11, 30),
        promised_date=date(2026, 11, 20),
    )  # fmt: skip

    [payload] = sent(build_digest(content_of([order]), DigestHeading(), UTC))

    [row] = [b for b in payload["blocks"] if b.get("block_id") == f"{ids.DIGEST_ROW_BLOCK}1"]
    assert row["text"]["text"] == (
        "*SO-000001* · Acme &lt;Hospital&gt; · <@U00000001> · 23 business days old\n"
        "ETA 2026-11-30 vs promised 2026-11-20 · due in 6 days · "
        "Overdue, Slipped, Customer not told, Aging"
    )
    assert [o["text"]["text"] for o in row["accessory"]["options"]] == [
        "Update ETA…",
        "Log contact…",
        "Snooze…",
        "Open card",
    ]


def test_digest_groups_start_with_their_name_and_count():
    orders = [digest_order(n, supplier="Acme" if n < 3 else None) for n in range(1, 4)]

    [payload] = sent(
        build_digest(content_of(orders, grouping=Grouping.SUPPLIER), DigestHeading(), UTC)
    )

    headers = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"
               and not b.get("block_id", "").startswith(ids.DIGEST_ROW_BLOCK)]  # fmt: skip
    assert headers[-2:] == ["*Acme* · 2 orders", "*_no supplier_* · 1 order"]


def test_row_menu_values_carry_what_the_card_modals_need():
    order = digest_order(5, current_eta=date(2026, 12, 3))

    choice, brief = decode_choice(encode_choice(RowChoice.ETA, order) or "")
    snooze, ref = decode_choice(encode_choice(RowChoice.SNOOZE, order) or "")

    assert choice is RowChoice.ETA
    assert (brief.external_id, brief.version, brief.eta) == ("SO-000005", 1, date(2026, 12, 3))
    assert (brief.customer, brief.promised) == (order.customer[:40], order.promised_date)
    assert (snooze, ref.external_id, ref.version) == (RowChoice.SNOOZE, "SO-000005", 1)


def test_row_menu_clips_a_long_customer_to_slacks_150_characters():
    order = digest_order(5, customer='Ä"quoted" ' * 40)

    value = encode_choice(RowChoice.CONTACT, order)

    assert value is not None and len(value) <= 150
    assert decode_choice(value)[1].customer.startswith('Ä"quoted"')


def test_row_with_an_id_too_long_for_a_menu_gets_the_cards_open_button():
    order = digest_order(5, external_id="X" * 128)

    [payload] = sent(build_digest(content_of([order]), DigestHeading(), UTC))

    [row] = [b for b in payload["blocks"] if b.get("block_id") == f"{ids.DIGEST_ROW_BLOCK}5"]
    assert row["accessory"]["action_id"] == ids.OPEN_ORDER_ACTION
    assert row["accessory"]["value"] == "X" * 128


def test_supply_clusters_show_the_ten_biggest_and_count_the_rest():
    orders = [digest_order(n, supplier=f"S{n % 12}", sku=None) for n in range(1, 61)]

    payloads = sent(build_digest(content_of(orders), DigestHeading(), UTC))

    body = text_of(payloads[0])
    assert "*Supply clusters* (3 or more lagging orders sharing a supplier or SKU)" in body
    assert body.count(": 5 lagging") == 10
    assert "…and 2 more clusters" in body


def test_empty_digest_says_nothing_is_lagging():
    [payload] = sent(build_digest(content_of([]), DigestHeading(), UTC))

    assert "Nothing is lagging. :tada:" in text_of(payload)
    assert payload["text"].startswith("Lagging orders: 0 lagging")


def test_only_changes_digest_says_how_many_of_the_lagging_changed():
    orders = [digest_order(n) for n in range(1, 4)]
    previous = {1: 0, 2: 0}

    [payload] = sent(
        build_digest(content_of(orders, previous=previous, only_changes=True), DigestHeading(), UTC)
    )

    assert "Only what changed since the last digest: 3 of 3." in text_of(payload)


def test_test_digest_is_marked_in_title_and_context():
    [payload] = sent(build_digest(content_of([digest_order(1)]), DigestHeading(test=True), UTC))

    assert payload["blocks"][0]["text"]["text"] == "[TEST] Lagging orders: 1 lagging"
    assert "*test digest*: not counted as a delivery" in text_of(payload)
    assert payload["text"].startswith("[TEST] Lagging orders")


@pytest.mark.parametrize(
    ("freshness", "expected"),
    [
        (Freshness(NOW - timedelta(minutes=12), behind=False), "orders synced 12 min ago"),
        (
            Freshness(NOW - timedelta(hours=3), behind=True),
            ":warning: orders synced 3 h ago: the upstream sync is behind",
        ),
        (
            Freshness(None, behind=True),
            ":warning: orders never synced: the upstream sync is behind",
        ),
    ],
)
def test_synced_digest_says_how_fresh_its_orders_are(freshness: Freshness, expected: str):
    content = replace(content_of([digest_order(1)]), freshness=freshness)

    [payload] = sent(build_digest(content, DigestHeading(), UTC))

    assert f" · {expected}" in payload["blocks"][2]["elements"][0]["text"]


def test_digest_without_a_sync_has_no_freshness_line():
    [payload] = sent(build_digest(content_of([digest_order(1)]), DigestHeading(), UTC))

    assert "synced" not in text_of(payload)


def test_cancellation_threats_come_first_with_their_reason_and_are_not_listed_twice():
    orders = [digest_order(n) for n in range(1, 6)]
    reasons = (LagKind.OVERDUE,)
    rows = [DigestRow(o, reasons, 23, False, True, o.due) for o in orders]
    threat = rows[3]._replace(threat="Customer threatened to cancel (2026-11-23): last delay")
    how = Assembly(Grouping.OWNER, False, None, None, frozenset(), TODAY, NOW)

    [payload] = sent(build_digest(assemble(rows, how, [threat]), DigestHeading(), UTC))

    assert row_ids(payload)[0] == 4
    assert sorted(row_ids(payload)) == [1, 2, 3, 4, 5]
    text = text_of(payload)
    assert text.index("Cancellation threats") < text.index("SO-000004")
    assert "last delay" in text
