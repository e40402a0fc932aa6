"""The card's overflow menu: modals, Take ownership, Reassign and Snooze, over signed requests."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.menu import MenuChoice
from bot.sandbox.signing import SlackRequests
from storage.orders.tables import OrderStatus
from tests.kit.card import events, submit
from tests.kit.menu import (
    ORDER,
    OTHER,
    REP,
    VIEWER,
    card,
    close_state,
    element,
    expedite_state,
    menu_value,
    open_menu_modal,
    pick,
    replies,
    snooze_state,
    user_state,
)
from tests.kit.running_bot import RunningBot

MODALS = [
    (MenuChoice.REASSIGN, ids.REASSIGN_MODAL, ["owner_user"]),
    (MenuChoice.SNOOZE, ids.SNOOZE_MODAL, ["snooze_date", "snooze_time", "snooze_reason"]),
    (MenuChoice.CLOSE, ids.CLOSE_MODAL, ["close_status", "close_reason"]),
    (MenuChoice.EXPEDITE, ids.EXPEDITE_MODAL, ["expedite_reason"]),
]


async def test_card_menu_offers_the_rarer_actions_in_one_overflow(
    bot: RunningBot, slack_requests: SlackRequests
):
    message = await card(bot, slack_requests)

    menu = element(message, ids.ORDER_MENU_ACTION)

    assert menu is not None and menu["type"] == "overflow"
    assert [o["text"]["text"] for o in menu["options"]] == [
        "Take ownership",
        "Reassign…",
        "Snooze until…",
        "Mark filled / cancel…",
        "Request expedite…",
    ]
    assert menu["options"][0]["value"] == f"own|{ORDER}|1"


async def test_card_of_a_closed_order_keeps_only_note_contact_and_share(
    bot: RunningBot, slack_requests: SlackRequests
):
    await bot.services.actions.close(
        ORDER, OrderStatus.FILLED, None, actor=REP, expected_version=None
    )

    message = await card(bot, slack_requests)

    [actions] = [b for b in message["blocks"] if b.get("block_id") == ids.ORDER_ACTIONS_BLOCK]
    assert [e["action_id"] for e in actions["elements"]] == [
        ids.CONTACT_ACTION,
        ids.NOTE_ACTION,
        ids.SHARE_ORDER_ACTION,
    ]


@pytest.mark.parametrize(("choice", "callback_id", "inputs"), MODALS)
async def test_menu_option_opens_its_modal_from_the_option_value(
    bot: RunningBot,
    slack_requests: SlackRequests,
    choice: MenuChoice,
    callback_id: str,
    inputs: list[str],
):
    view = await open_menu_modal(bot, slack_requests, choice)

    assert view["callback_id"] == callback_id
    block_ids = [b.get("block_id") for b in view["blocks"]]
    assert [b for b in block_ids if b in inputs] == inputs
    context = ModalContext.decode(view["private_metadata"])
    assert (context.external_id, context.version) == (ORDER, 1)
    assert context.response_url is not None
    assert bot.fake.last("views.open").args["trigger_id"]


async def test_snooze_modal_offers_tomorrow_at_nine_in_the_bots_zone(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.SNOOZE)

    date_block, time_block = view["blocks"][-3:-1]
    assert date_block["element"]["initial_date"] == "2026-11-25"
    assert time_block["element"]["initial_time"] == "09:00"
    assert time_block["label"]["text"] == "Time (UTC)"


@pytest.mark.parametrize("choice", list(MenuChoice))
async def test_menu_refuses_viewers_for_every_option(
    bot: RunningBot, slack_requests: SlackRequests, choice: MenuChoice
):
    value = menu_value(await card(bot, slack_requests), choice)

    await pick(bot, slack_requests, value, user=VIEWER)

    assert bot.fake.calls_to("views.open") == []
    [reply] = replies(bot)
    assert reply["replace_original"] is False
    assert reply["text"].startswith(
        "Only reps and admins can change orders; you have viewer access."
    )
    assert await events(bot.services, "owner_changed") == []


@pytest.mark.parametrize(
    ("choice", "state", "block"),
    [
        (MenuChoice.REASSIGN, user_state(OTHER), "owner_user"),
        (MenuChoice.SNOOZE, snooze_state("2026-11-26"), "snooze_date"),
        (MenuChoice.CLOSE, close_state("filled"), "close_status"),
        (MenuChoice.EXPEDITE, expedite_state(), "expedite_reason"),
    ],
)
async def test_menu_modals_refuse_viewers_under_the_main_field(
    bot: RunningBot,
    slack_requests: SlackRequests,
    choice: MenuChoice,
    state: dict[str, Any],
    block: str,
):
    view = await open_menu_modal(bot, slack_requests, choice)

    answer = await submit(bot, slack_requests, view, state, user=VIEWER)

    assert answer["response_action"] == "errors"
    assert answer["errors"][block].startswith("Only reps and admins can change orders")
    assert (await bot.services.orders.detail(ORDER)).order.version == 1


async def test_take_ownership_assigns_the_clicker_and_redraws_the_card(
    bot: RunningBot, slack_requests: SlackRequests
):
    value = menu_value(await card(bot, slack_requests, user=OTHER), MenuChoice.TAKE)

    await pick(bot, slack_requests, value, user=OTHER)

    [event] = await events(bot.services, "owner_changed")
    assert (event.actor, event.old_value, event.new_value) == (OTHER, REP, OTHER)
    [redrawn] = replies(bot)
    assert redrawn["replace_original"] is True
    assert f"<@{OTHER}>" in json.dumps(redrawn["blocks"])
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_take_ownership_double_click_records_one_event(
    bot: RunningBot, slack_requests: SlackRequests
):
    value = menu_value(await card(bot, slack_requests, user=OTHER), MenuChoice.TAKE)

    await pick(bot, slack_requests, value, user=OTHER)
    await pick(bot, slack_requests, value, user=OTHER)

    assert len(await events(bot.services, "owner_changed")) == 1
    assert [r["replace_original"] for r in replies(bot)] == [True, False]
    assert replies(bot)[1]["text"] == f"You already own {ORDER}."
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_take_ownership_of_an_order_changed_since_shows_who_changed_it(
    bot: RunningBot, slack_requests: SlackRequests
):
    value = menu_value(await card(bot, slack_requests, user=OTHER), MenuChoice.TAKE)
    await bot.services.actions.add_note(ORDER, "Called the carrier", actor=REP, expected_version=1)

    await pick(bot, slack_requests, value, user=OTHER)

    [reply] = replies(bot)
    assert reply["text"].startswith(f"<@{REP}> changed this order after you opened it.")
    assert await events(bot.services, "owner_changed") == []


async def test_reassign_requires_a_person(bot: RunningBot, slack_requests: SlackRequests):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.REASSIGN)

    answer = await submit(bot, slack_requests, view, user_state(None))

    assert answer == {
        "response_action": "errors",
        "errors": {"owner_user": "Choose who owns the order."},
    }


async def test_reassign_saves_redraws_the_card_and_dms_the_new_owner(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.REASSIGN)

    answer = await submit(bot, slack_requests, view, user_state(OTHER))

    assert answer == {}
    [event] = await events(bot.services, "owner_changed")
    assert (event.actor, event.new_value) == (REP, OTHER)
    [redrawn] = replies(bot)
    assert redrawn["replace_original"] is True
    assert f"<@{OTHER}>" in json.dumps(redrawn["blocks"])
    [dm] = bot.fake.calls_to("chat.postMessage")
    assert dm.args["channel"] == OTHER
    assert dm.args["text"] == f"<@{REP}> made you the owner of order {ORDER} (Acme Hospital)."


async def test_reassign_to_oneself_sends_no_dm(bot: RunningBot, slack_requests: SlackRequests):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.REASSIGN, user=OTHER)

    await submit(bot, slack_requests, view, user_state(OTHER), user=OTHER)

    assert len(await events(bot.services, "owner_changed")) == 1
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_reassign_on_a_stale_card_reopens_the_modal_with_a_warning(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.REASSIGN)
    await bot.services.actions.add_note(ORDER, "Called the carrier", actor=REP, expected_version=1)

    answer = await submit(bot, slack_requests, view, user_state(OTHER), user=OTHER)

    assert answer["response_action"] == "update"
    assert answer["view"]["callback_id"] == ids.REASSIGN_MODAL
    assert f"<@{REP}> changed this order" in json.dumps(answer["view"])
    assert ModalContext.decode(answer["view"]["private_metadata"]).version == 2
    assert await events(bot.services, "owner_changed") == []


@pytest.mark.parametrize(
    ("state", "errors"),
    [
        (snooze_state(None), {"snooze_date": "Pick the day the order needs attention again."}),
        (snooze_state("2026-11-23"), {"snooze_date": "Pick a time in the future."}),
        (snooze_state("2026-11-24", at="08:30"), {"snooze_date": "Pick a time in the future."}),
        (snooze_state("2026-11-26", reason="  "), {"snooze_reason": "Say why the order can wait."}),
    ],
)
async def test_snooze_field_errors_keep_the_modal_open(
    bot: RunningBot, slack_requests: SlackRequests, state: dict[str, Any], errors: dict[str, str]
):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.SNOOZE)

    answer = await submit(bot, slack_requests, view, state)

    assert answer == {"response_action": "errors", "errors": errors}
    assert await events(bot.services, "snoozed") == []


@pytest.mark.parametrize(
    ("at", "shown"), [(None, "2026-11-26 09:00"), ("14:30", "2026-11-26 14:30")]
)
async def test_snooze_saves_and_the_card_shows_the_order_snoozed(
    bot: RunningBot, slack_requests: SlackRequests, at: str | None, shown: str
):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.SNOOZE)

    answer = await submit(bot, slack_requests, view, snooze_state("2026-11-26", at=at))

    assert answer == {}
    [event] = await events(bot.services, "snoozed")
    assert (event.actor, event.note) == (REP, "Customer closed until Thursday")
    [redrawn] = replies(bot)
    assert f"snoozed until {shown}" in json.dumps(redrawn["blocks"])
