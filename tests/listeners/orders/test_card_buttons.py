"""Card buttons and their modals through signed HTTP requests and the fake Slack."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.bootstrap.container import Services
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from storage.alerts.tables import Alert
from tests.kit.alerts import run_alert_job
from tests.kit.card import REP, VIEWER, button, card, eta_state, events, open_modal, submit
from tests.kit.common import checked_message, configure_roles_and_teams, order_row, seed_orders
from tests.kit.running_bot import RunningBot, running_bot


@pytest.fixture
async def bot(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    configure_roles_and_teams(services, viewers=frozenset({VIEWER}), teams={"emea": "C0EMEA"})
    await seed_orders(
        services, tmp_path, [order_row(team="emea", owner=REP, promised_date="2026-11-25")]
    )
    async with running_bot(services, fake_slack) as running:
        yield running


async def test_card_offers_the_action_buttons(bot: RunningBot, slack_requests: SlackRequests):
    message = await card(bot, slack_requests)

    labels = [
        button(message, a)["text"]["text"]
        for a in (ids.ETA_ACTION, ids.CONTACT_ACTION, ids.NOTE_ACTION)
    ]
    assert labels == ["Update ETA", "Log customer contact", "Add note"]


async def test_update_eta_button_opens_the_modal_without_touching_the_database(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_modal(bot, slack_requests, ids.ETA_ACTION)

    assert view["callback_id"] == ids.ETA_MODAL
    assert [b.get("block_id") for b in view["blocks"]][-4:] == [
        "eta_date",
        "eta_reason",
        "eta_note",
        "eta_informed",
    ]
    context = ModalContext.decode(view["private_metadata"])
    assert (context.external_id, context.version) == ("SO-1001", 1)
    assert context.response_url is not None


@pytest.mark.parametrize("action_id", [ids.ETA_ACTION, ids.CONTACT_ACTION, ids.NOTE_ACTION])
async def test_viewers_are_refused_politely_and_no_modal_opens(
    bot: RunningBot, slack_requests: SlackRequests, action_id: str
):
    value = button(await card(bot, slack_requests), action_id)["value"]

    await bot.send(slack_requests.block_actions(action_id, value=value, user_id=VIEWER))

    assert bot.fake.calls_to("views.open") == []
    reply = bot.fake.last("response_url").args
    assert reply["text"].startswith(
        "Only reps and admins can change orders; you have viewer access."
    )


@pytest.mark.parametrize(
    ("state", "errors"),
    [
        (eta_state(None), {"eta_date": "Pick the new ETA."}),
        (eta_state("2026-12-01", reason=None), {"eta_reason": "Pick a reason."}),
        (eta_state("2026-11-01"), {"eta_date": "The new ETA is in the past."}),
        (eta_state("2026-11-25"), {"eta_date": "That is already the ETA."}),
    ],
)
async def test_eta_modal_field_errors_keep_the_modal_open(
    bot: RunningBot, slack_requests: SlackRequests, state: dict[str, Any], errors: dict[str, str]
):
    view = await open_modal(bot, slack_requests, ids.ETA_ACTION)

    answer = await submit(bot, slack_requests, view, state)

    assert answer == {"response_action": "errors", "errors": errors}
    assert await events(bot.services, "eta_changed") == []


async def test_eta_slip_is_saved_card_updated_and_noted_in_the_team_thread(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_modal(bot, slack_requests, ids.ETA_ACTION)

    answer = await submit(
        bot, slack_requests, view, eta_state("2026-11-27", note="Port congestion")
    )

    assert answer == {}
    [event] = await events(bot.services, "eta_changed")
    assert (event.actor, event.new_value) == (REP, "2026-11-27")
    refreshed = checked_message(bot.fake.last("response_url").args)
    assert refreshed["replace_original"] is True
    assert "slipped 1× · +2 days in all" in json.dumps(refreshed["blocks"], ensure_ascii=False)
    parent, line = bot.fake.calls_to("chat.postMessage")
    assert parent.args["channel"] == line.args["channel"] == "C0EMEA"
    assert line.args["thread_ts"] == bot.fake.last("chat.postMessage").args["thread_ts"]
    assert line.args["text"].startswith("ETA slipped 2 days to 2026-11-27")
    assert f"<@{REP}>" not in line.args["text"]
    assert (await bot.services.orders.detail("SO-1001")).order.thread_channel == "C0EMEA"


async def test_second_slip_reuses_the_orders_thread(bot: RunningBot, slack_requests: SlackRequests):
    first = await open_modal(bot, slack_requests, ids.ETA_ACTION)
    await submit(bot, slack_requests, first, eta_state("2026-11-27"))
    second = await open_modal(bot, slack_requests, ids.ETA_ACTION)

    await submit(bot, slack_requests, second, eta_state("2026-12-04"))

    posts = bot.fake.calls_to("chat.postMessage")
    assert len(posts) == 3
    assert posts[1].args["thread_ts"] == posts[2].args["thread_ts"]
    assert (await bot.services.orders.detail("SO-1001")).order.current_eta == date(2026, 12, 4)


async def test_two_reps_saving_the_same_version_second_sees_who_changed_it(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_modal(bot, slack_requests, ids.ETA_ACTION)
    await submit(bot, slack_requests, view, eta_state("2026-11-27"))

    answer = await submit(bot, slack_requests, view, eta_state("2026-12-01"), user="U0OTHER01")

    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"]["blocks"], ensure_ascii=False)
    assert f"<@{REP}> changed this order after you opened it" in shown
    assert "current ETA 2026-11-27" in shown
    assert ModalContext.decode(answer["view"]["private_metadata"]).version == 2
    assert len(await events(bot.services, "eta_changed")) == 1


async def test_double_submit_records_one_event(bot: RunningBot, slack_requests: SlackRequests):
    view = await open_modal(bot, slack_requests, ids.ETA_ACTION)

    await submit(bot, slack_requests, view, eta_state("2026-11-27"))
    again = await submit(bot, slack_requests, view, eta_state("2026-11-27"))

    assert again == {}
    assert len(await events(bot.services, "eta_changed")) == 1


async def test_customer_informed_marks_the_eta_as_told(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_modal(bot, slack_requests, ids.ETA_ACTION)

    await submit(bot, slack_requests, view, eta_state("2026-11-27", informed=True))

    detail = await bot.services.orders.detail("SO-1001")
    assert detail.customer_told is True
    assert len(await events(bot.services, "contact_logged")) == 1


async def test_contact_modal_logs_the_contact(bot: RunningBot, slack_requests: SlackRequests):
    view = await open_modal(bot, slack_requests, ids.CONTACT_ACTION)
    state = {
        "contact_channel": {
            "value": {"type": "static_select", "selected_option": {"value": "phone"}}
        },
        "contact_outcome": {
            "value": {"type": "static_select", "selected_option": {"value": "informed"}}
        },
        "contact_note": {"value": {"type": "plain_text_input", "value": "Told them Friday"}},
    }

    answer = await submit(bot, slack_requests, view, state)

    assert answer == {}
    [event] = await events(bot.services, "contact_logged")
    assert event.actor == REP
    card_blocks = bot.fake.last("response_url").args["blocks"]
    assert "Told them Friday" in json.dumps(card_blocks, ensure_ascii=False)


async def test_contact_modal_requires_channel_and_outcome(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_modal(bot, slack_requests, ids.CONTACT_ACTION)

    answer = await submit(bot, slack_requests, view, {})

    assert answer == {
        "response_action": "errors",
        "errors": {
            "contact_channel": "Pick how you reached the customer.",
            "contact_outcome": "Pick the outcome.",
        },
    }


async def test_note_modal_stores_text_as_written_and_refuses_empty_notes(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_modal(bot, slack_requests, ids.NOTE_ACTION)
    text = "Kunde ruft zurück 📞\nsecond line"

    empty = await submit(
        bot,
        slack_requests,
        view,
        {"note_text": {"value": {"type": "plain_text_input", "value": "  "}}},
    )
    saved = await submit(
        bot,
        slack_requests,
        view,
        {"note_text": {"value": {"type": "plain_text_input", "value": text}}},
    )

    assert empty == {
        "response_action": "errors",
        "errors": {"note_text": "Write the note (it cannot be empty)."},
    }
    assert saved == {}
    [event] = await events(bot.services, "note_added")
    assert (event.note or event.new_value) == text


async def test_a_viewer_submitting_a_modal_gets_the_refusal_under_the_field(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_modal(bot, slack_requests, ids.ETA_ACTION)

    answer = await submit(bot, slack_requests, view, eta_state("2026-11-27"), user=VIEWER)

    assert answer["response_action"] == "errors"
    assert answer["errors"]["eta_date"].startswith("Only reps and admins can change orders")
    assert await events(bot.services, "eta_changed") == []


async def test_a_card_slip_is_announced_once_even_when_the_alerts_job_runs(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_modal(bot, slack_requests, ids.ETA_ACTION)
    await submit(bot, slack_requests, view, eta_state("2026-11-27"))

    await run_alert_job(bot.services, bot.fake)
    await run_alert_job(bot.services, bot.fake, owner="host-b:1")

    parent, line = bot.fake.calls_to("chat.postMessage")
    assert parent.args["channel"] == line.args["channel"] == "C0EMEA"
    assert line.args["text"].startswith("ETA slipped 2 days to 2026-11-27")
    async with bot.services.sessions() as session:
        [alert] = (await session.execute(select(Alert))).scalars()
    assert (alert.kind, alert.status, alert.channel) == ("slipped", "posted", "C0EMEA")
    assert alert.line_ts is not None


async def test_update_eta_under_an_alert_leaves_the_alert_in_place(
    bot: RunningBot, slack_requests: SlackRequests
):
    value = button(await card(bot, slack_requests), ids.ETA_ACTION)["value"]
    click = slack_requests.block_actions(
        ids.ETA_ACTION, value=value, user_id="U0OTHER01", block_id=ids.ALERT_ACTIONS_BLOCK
    )
    await bot.send(click)
    view = bot.fake.last("views.open").args["view"]

    await submit(bot, slack_requests, view, eta_state("2026-11-27"), user="U0OTHER01")

    assert ModalContext.decode(view["private_metadata"]).response_url is None
    assert bot.fake.calls_to("response_url") == []
    assert (await bot.services.orders.detail("SO-1001")).order.current_eta == date(2026, 11, 27)
