"""Mark filled / cancel with Undo, and expedite requests the leads decide, over signed requests."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.blocks.kit import ids
from bot.blocks.orders.menu import MenuChoice
from bot.sandbox.signing import SlackRequests
from bot.services.core.teams import TeamChannels
from storage.orders.tables import ExpediteStatus, OrderStatus
from tests.kit.card import events, submit
from tests.kit.common import FixedClock
from tests.kit.menu import (
    LEAD,
    ORDER,
    OTHER,
    REP,
    VIEWER,
    click,
    close_state,
    expedite_requests,
    expedite_state,
    open_menu_modal,
    replies,
)
from tests.kit.running_bot import RunningBot


async def close_order(bot: RunningBot, requests: SlackRequests, status: str = "filled") -> str:
    """Close SO-1001 through the modal; the Undo button's value."""
    view = await open_menu_modal(bot, requests, MenuChoice.CLOSE)
    await submit(bot, requests, view, close_state(status))
    undo = replies(bot)[-1]["blocks"][1]["elements"][0]
    assert undo["action_id"] == ids.UNDO_CLOSE_ACTION
    bot.fake.reset()
    return str(undo["value"])


async def request_expedite(bot: RunningBot, requests: SlackRequests, user: str = REP) -> Any:
    """Request an expedite through the modal; the leads' message call."""
    view = await open_menu_modal(bot, requests, MenuChoice.EXPEDITE, user=user)
    await submit(bot, requests, view, expedite_state(), user=user)
    posted = bot.fake.last("chat.postMessage")
    bot.fake.reset()
    return posted


async def decide(
    bot: RunningBot, requests: SlackRequests, posted: Any, action_id: str, user: str = LEAD
) -> None:
    [value] = {e["value"] for b in posted.args["blocks"] for e in b.get("elements", [])}
    [request] = await expedite_requests(bot.services)
    where = {"channel_id": posted.args["channel"], "message_ts": request.message_ts}
    await click(bot, requests, action_id, value, user, **where)


async def test_close_requires_a_status_and_a_reason(bot: RunningBot, slack_requests: SlackRequests):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.CLOSE)

    answer = await submit(bot, slack_requests, view, close_state(None, reason=" "))

    assert answer == {
        "response_action": "errors",
        "errors": {
            "close_status": "Pick filled or cancelled.",
            "close_reason": "Say why the order is closed.",
        },
    }
    assert await events(bot.services, "status_changed") == []


@pytest.mark.parametrize(("status", "label"), [("filled", "filled"), ("cancelled", "cancelled")])
async def test_close_saves_redraws_the_card_and_offers_undo(
    bot: RunningBot, slack_requests: SlackRequests, status: str, label: str
):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.CLOSE)

    answer = await submit(bot, slack_requests, view, close_state(status))

    assert answer == {}
    [event] = await events(bot.services, "status_changed")
    assert (event.actor, event.new_value, event.note) == (
        REP,
        status,
        "Shipped from the spare stock",
    )
    redrawn, follow_up = replies(bot)
    assert redrawn["replace_original"] is True
    assert ":white_check_mark: Closed" in json.dumps(redrawn["blocks"])
    assert follow_up["replace_original"] is False
    assert follow_up["response_type"] == "ephemeral"
    assert follow_up["text"] == f"{ORDER} marked {label}."
    assert follow_up["blocks"][1]["elements"][0]["text"]["text"] == "Undo"


async def test_undo_within_the_window_reopens_and_redraws_the_card(
    bot: RunningBot, slack_requests: SlackRequests, clock: FixedClock
):
    undo = await close_order(bot, slack_requests)
    clock.advance(minutes=4)

    await click(bot, slack_requests, ids.UNDO_CLOSE_ACTION, undo, REP)

    detail = await bot.services.orders.detail(ORDER)
    assert detail.order.status == OrderStatus.RECEIVED
    assert len(await events(bot.services, "status_changed")) == 2
    redrawn, replaced = replies(bot)
    assert redrawn["replace_original"] is True
    assert "Update ETA" in json.dumps(redrawn["blocks"])
    assert replaced["replace_original"] is True
    assert replaced["text"] == f"{ORDER} reopened (status: Received, not filled)."


async def test_undo_double_click_reopens_once(bot: RunningBot, slack_requests: SlackRequests):
    undo = await close_order(bot, slack_requests)

    await click(bot, slack_requests, ids.UNDO_CLOSE_ACTION, undo, REP)
    await click(bot, slack_requests, ids.UNDO_CLOSE_ACTION, undo, REP)

    assert len(await events(bot.services, "status_changed")) == 2
    assert len(replies(bot)) == 2


async def test_undo_outside_the_window_answers_with_the_services_message(
    bot: RunningBot, slack_requests: SlackRequests, clock: FixedClock
):
    undo = await close_order(bot, slack_requests)
    clock.advance(minutes=6)

    await click(bot, slack_requests, ids.UNDO_CLOSE_ACTION, undo, REP)

    [reply] = replies(bot)
    assert reply["replace_original"] is False
    assert reply["text"] == "Undo only works for 5 minutes after closing."
    assert (await bot.services.orders.detail(ORDER)).order.status == OrderStatus.FILLED


async def test_undo_after_another_change_names_who_changed_it(
    bot: RunningBot, slack_requests: SlackRequests
):
    undo = await close_order(bot, slack_requests)
    await bot.services.actions.add_note(ORDER, "Invoice sent", actor=OTHER, expected_version=None)

    await click(bot, slack_requests, ids.UNDO_CLOSE_ACTION, undo, REP)

    [reply] = replies(bot)
    assert reply["text"] == (
        f"<@{OTHER}> changed the order after it was closed, so the close can no longer be undone."
    )
    assert (await bot.services.orders.detail(ORDER)).order.status == OrderStatus.FILLED


async def test_undo_refuses_viewers(bot: RunningBot, slack_requests: SlackRequests):
    undo = await close_order(bot, slack_requests)

    await click(bot, slack_requests, ids.UNDO_CLOSE_ACTION, undo, VIEWER)

    [reply] = replies(bot)
    assert reply["text"].startswith("Only reps and admins can change orders")
    assert (await bot.services.orders.detail(ORDER)).order.status == OrderStatus.FILLED


async def test_expedite_requires_a_reason(bot: RunningBot, slack_requests: SlackRequests):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.EXPEDITE)

    answer = await submit(bot, slack_requests, view, expedite_state("  "))

    assert answer == {
        "response_action": "errors",
        "errors": {"expedite_reason": "Say why the order needs expediting."},
    }
    assert await expedite_requests(bot.services) == []


async def test_expedite_request_asks_the_leads_in_the_team_channel(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_menu_modal(bot, slack_requests, MenuChoice.EXPEDITE)

    answer = await submit(bot, slack_requests, view, expedite_state())

    assert answer == {}
    [request] = await expedite_requests(bot.services)
    [posted] = bot.fake.calls_to("chat.postMessage")
    assert posted.args["channel"] == "C0EMEA"
    assert posted.args["text"] == f"user-u0rep0001 asks to expedite order {ORDER} (Acme Hospital)."
    assert f"<@{REP}>" not in json.dumps(posted.args)
    buttons = posted.args["blocks"][1]["elements"]
    assert [(b["text"]["text"], b["value"]) for b in buttons] == [
        ("Approve", str(request.id)),
        ("Deny", str(request.id)),
    ]
    assert request.channel == "C0EMEA"
    assert request.message_ts is not None
    assert replies(bot)[-1]["text"] == (
        f"Expedite requested for {ORDER}; the leads were asked in <#C0EMEA>."
    )
    [event] = await events(bot.services, "expedite_requested")
    assert event.actor == REP


async def test_expedite_without_a_team_channel_tells_the_requester_it_is_recorded(
    bot: RunningBot, slack_requests: SlackRequests
):
    bot.services.teams = TeamChannels({})
    view = await open_menu_modal(bot, slack_requests, MenuChoice.EXPEDITE)

    await submit(bot, slack_requests, view, expedite_state())

    assert len(await expedite_requests(bot.services)) == 1
    assert bot.fake.calls_to("chat.postMessage") == []
    assert replies(bot)[-1]["text"] == (
        f"Expedite request for {ORDER} recorded, but no team channel is configured for its "
        "team, so no lead was asked in Slack. Tell a lead directly."
    )


async def test_lead_approval_updates_the_leads_message_and_tells_the_requester(
    bot: RunningBot, slack_requests: SlackRequests
):
    posted = await request_expedite(bot, slack_requests)

    await decide(bot, slack_requests, posted, ids.EXPEDITE_APPROVE_ACTION)

    [request] = await expedite_requests(bot.services)
    assert (request.status, request.decided_by) == (ExpediteStatus.APPROVED, LEAD)
    update = bot.fake.last("chat.update").args
    assert (update["channel"], update["ts"]) == ("C0EMEA", request.message_ts)
    assert update["text"] == (
        f"Expedite of {ORDER}: Approved by user-u0lead001 on 2026-11-24 09:00."
    )
    assert "actions" not in [b["type"] for b in update["blocks"]]
    [dm] = bot.fake.calls_to("chat.postMessage")
    assert (dm.args["channel"], dm.args["text"]) == (
        REP,
        f"Your expedite request for {ORDER} was approved by <@{LEAD}>.",
    )
    [event] = await events(bot.services, "expedite_decided")
    assert (event.actor, event.new_value) == (LEAD, "approved")


@pytest.mark.parametrize(("user", "role"), [(REP, "rep"), (VIEWER, "viewer")])
async def test_only_admins_decide_expedite_requests(
    bot: RunningBot, slack_requests: SlackRequests, user: str, role: str
):
    posted = await request_expedite(bot, slack_requests)

    await decide(bot, slack_requests, posted, ids.EXPEDITE_DENY_ACTION, user=user)

    [reply] = replies(bot)
    assert reply["replace_original"] is False
    assert reply["text"].startswith(
        f"Only admins can decide expedite requests; you have {role} access."
    )
    assert bot.fake.calls_to("chat.update") == []
    [request] = await expedite_requests(bot.services)
    assert request.status == ExpediteStatus.PENDING


async def test_deciding_a_decided_request_answers_who_decided(
    bot: RunningBot, slack_requests: SlackRequests
):
    posted = await request_expedite(bot, slack_requests)
    await decide(bot, slack_requests, posted, ids.EXPEDITE_APPROVE_ACTION)
    bot.services.roles.admins |= {"U0LEAD002"}
    bot.fake.reset()

    await decide(bot, slack_requests, posted, ids.EXPEDITE_DENY_ACTION, user="U0LEAD002")

    [reply] = replies(bot)
    assert reply["text"] == f"This request was already approved by <@{LEAD}>."
    assert bot.fake.calls_to("chat.update") == []
    assert len(await events(bot.services, "expedite_decided")) == 1


async def test_lead_deciding_their_own_request_gets_no_dm(
    bot: RunningBot, slack_requests: SlackRequests
):
    posted = await request_expedite(bot, slack_requests, user=LEAD)

    await decide(bot, slack_requests, posted, ids.EXPEDITE_DENY_ACTION)

    assert bot.fake.last("chat.update").args["text"].startswith(f"Expedite of {ORDER}: Denied by")
    assert bot.fake.calls_to("chat.postMessage") == []
