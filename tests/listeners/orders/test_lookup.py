"""Order lookups through signed HTTP requests: card, suggestions, listings, paging, history."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap.container import Services
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from tests.kit.card import command
from tests.kit.common import checked_message, order_row, seed_orders
from tests.kit.running_bot import RunningBot, running_bot

# The fixed clock says 2026-11-24 (a Tuesday), 09:00 UTC.
ME = "U0123ABCD"


@pytest.fixture
async def bot(services: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    async with running_bot(services, fake_slack) as running:
        yield running


def texts(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


async def test_backlog_order_id_shows_the_card(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    await seed_orders(services, tmp_path, [order_row(owner=ME, eta="2026-11-27", status="delayed")])

    card = await command(bot, slack_requests, "SO-1001")

    assert card["response_type"] == "ephemeral"
    assert card["text"] == (
        "Order SO-1001 for Acme Hospital: Backordered / delayed, "
        "ETA 2026-11-27 (promised 2026-11-20)"
    )
    body = texts(card)
    assert "Order SO-1001 · Acme Hospital" in body
    assert f"<@{ME}>" in body
    assert "slipped 1× · +7 days in all" in body
    assert "Lagging: Slipped, Customer not told" in body
    assert "Share in channel" in body


async def test_backlog_order_subcommand_is_the_same_card(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    await seed_orders(services, tmp_path, [order_row()])

    card = await command(bot, slack_requests, "order SO-1001")

    assert card["text"].startswith("Order SO-1001 for Acme Hospital")


async def test_unknown_order_suggests_close_ids_and_customers(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    rows = [
        order_row(order_id="SO-1001"),
        order_row(order_id="SO-1002"),
        order_row(order_id="XX-1"),
    ]
    await seed_orders(services, tmp_path, rows)

    reply = await command(bot, slack_requests, "SO-100")

    assert reply["text"] == "I can't find order SO-100. Did you mean: SO-1001, SO-1002?"
    buttons = reply["blocks"][1]["elements"]
    assert [b["value"] for b in buttons] == ["SO-1001", "SO-1002"]


async def test_malformed_subcommands_answer_with_their_usage(
    bot: RunningBot, slack_requests: SlackRequests
):
    order = await command(bot, slack_requests, "order")
    history = await command(bot, slack_requests, "history a b")
    late = await command(bot, slack_requests, "late colour:red")
    customer = await command(bot, slack_requests, "customer")

    assert order["text"] == "Give exactly one order id. Usage: /backlog order ORDER_ID"
    assert history["text"].endswith("Usage: /backlog history ORDER_ID")
    assert late["text"].startswith("`colour:red` is not a filter")
    assert late["text"].endswith(
        "Usage: /backlog late [team:X] [owner:@user] [supplier:X] [sku:X] [customer:X]"
    )
    assert customer["text"] == "Give the text to search for. Usage: /backlog customer TEXT"


async def test_mine_lists_only_my_open_orders(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    rows = [
        order_row(order_id="A", owner=ME),
        order_row(order_id="B", owner=ME, status="shipped"),
        order_row(order_id="C", owner="U0999ZZZZ"),
    ]
    await seed_orders(services, tmp_path, rows)

    reply = await command(bot, slack_requests, "mine")

    assert reply["text"] == "Your open orders: 1: A"


async def test_late_filters_and_sorts_most_overdue_first(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    rows = [
        order_row(order_id="L1", team="emea", promised_date="2026-11-20"),
        order_row(order_id="L2", team="emea", promised_date="2026-11-10"),
        order_row(order_id="L3", team="apac", promised_date="2026-11-01"),
        order_row(order_id="OK", team="emea", promised_date="2026-12-20"),
        order_row(order_id="L4", team="emea", promised_date="2026-11-01", eta="2026-12-01"),
    ]
    await seed_orders(services, tmp_path, rows)

    everyone = await command(bot, slack_requests, "late")
    emea = await command(bot, slack_requests, "late team:EMEA")

    assert everyone["text"] == "Overdue orders: 3: L3, L2, L1"
    assert emea["text"] == "Overdue orders: 2 (team:EMEA): L2, L1"
    assert "14 days late" in texts(emea)


async def test_late_owner_filter_reads_slack_mentions(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    rows = [order_row(order_id="M", owner=ME), order_row(order_id="N", owner="U0999ZZZZ")]
    await seed_orders(services, tmp_path, rows)

    reply = await command(bot, slack_requests, f"late owner:<@{ME}|ann>")

    assert reply["text"].endswith(": M")


async def test_listings_page_with_a_next_button_instead_of_cutting(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    rows = [
        order_row(order_id=f"P{n:02d}", customer="Globex", promised_date=f"2026-10-{n:02d}")
        for n in range(1, 26)
    ]
    await seed_orders(services, tmp_path, rows)
    first = await command(bot, slack_requests, "customer glob")
    next_button = first["blocks"][-1]["elements"][0]

    response = await bot.send(
        slack_requests.block_actions(next_button["action_id"], value=next_button["value"])
    )
    await bot.settle()

    assert response.status_code == 200
    assert first["text"].startswith("Open orders, customer matching “glob”: 25: P01, P02")
    assert "Showing 1–10 of 25" in texts(first)
    second = checked_message(bot.fake.last("response_url").args)
    assert second["replace_original"] is True
    assert second["text"].startswith("Open orders, customer matching “glob”: 25: P11,")
    assert "Showing 11–20 of 25" in texts(second)


async def test_sku_and_supplier_searches_match_inside_the_text(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    rows = [
        order_row(order_id="S1", sku="WID-42", supplier="Globex Inc"),
        order_row(order_id="S2", sku="BOLT-7", supplier="Initech"),
    ]
    await seed_orders(services, tmp_path, rows)

    sku = await command(bot, slack_requests, "sku wid")
    supplier = await command(bot, slack_requests, 'supplier "initech"')

    assert sku["text"].endswith(": 1: S1")
    assert supplier["text"].endswith(": 1: S2")


async def test_history_lists_every_event_newest_first(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    await seed_orders(services, tmp_path, [order_row()])
    await seed_orders(services, tmp_path, [order_row(eta="2026-11-30")])

    reply = await command(bot, slack_requests, "history SO-1001")

    body = texts(reply)
    assert "History of SO-1001" in body
    assert body.index("changed the ETA") < body.index("created the order")
    assert "slipped 10 day(s)" in body
    assert "2 events, newest first" in body


async def test_open_button_sends_the_card_and_share_posts_it_for_everyone(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    await seed_orders(services, tmp_path, [order_row()])

    await bot.send(slack_requests.block_actions("order_open", value="SO-1001"))
    await bot.settle()
    opened = checked_message(bot.fake.last("response_url").args)
    await bot.send(slack_requests.block_actions("order_share", value="SO-1001"))
    await bot.settle()
    shared = checked_message(bot.fake.last("response_url").args)

    assert opened["response_type"] == "ephemeral"
    assert opened["text"].startswith("Order SO-1001")
    assert shared["response_type"] == "in_channel"
    assert "Share in channel" not in texts(shared)


async def test_mistyped_subcommand_answers_with_the_closest_one_and_the_help_hint(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    await seed_orders(services, tmp_path, [order_row()])

    histroy = await command(bot, slack_requests, "histroy")
    frobnicate = await command(bot, slack_requests, "frobnicate")

    assert histroy["text"] == (
        "I can't find order histroy, and /backlog histroy is no subcommand."
        " Did you mean /backlog history ORDER_ID? /backlog help lists every subcommand."
    )
    assert frobnicate["text"].startswith(
        "I can't find order frobnicate, and /backlog frobnicate is no subcommand. Did you mean"
    )
    assert frobnicate["text"].endswith("/backlog help lists every subcommand.")
    assert "`/backlog history ORDER_ID`" in texts(histroy)


async def test_a_close_order_id_wins_over_a_close_subcommand(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    await seed_orders(services, tmp_path, [order_row(order_id="FROBNICATE1")])

    reply = await command(bot, slack_requests, "frobnicate")

    assert reply["text"] == "I can't find order frobnicate. Did you mean: FROBNICATE1?"
    assert reply["blocks"][1]["elements"][0]["value"] == "FROBNICATE1"
