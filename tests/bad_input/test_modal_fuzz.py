"""Every modal the bot registers, submitted with missing, mistyped and junk fields through the
real app: the answer is field errors (under the modal's own inputs), a re-render, or a save;
never a 5xx, and a refusal writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_bolt.async_app import AsyncApp

from bot.blocks.kit import ids
from bot.blocks.orders.menu import MenuChoice
from bot.bootstrap.container import Services
from bot.bootstrap.listeners import register_listeners
from bot.sandbox.signing import SlackRequests
from tests.bad_input.modal_states import submitted_state
from tests.kit.card import open_modal
from tests.kit.feedback import command, edit_buttons, open_edit, open_feedback_modal
from tests.kit.fuzz import FUZZ, REP, fingerprint
from tests.kit.menu import open_menu_modal
from tests.kit.running_bot import RunningBot

CARD_MODALS = {ids.ETA_MODAL: ids.ETA_ACTION, ids.CONTACT_MODAL: ids.CONTACT_ACTION}
CARD_MODALS |= {ids.NOTE_MODAL: ids.NOTE_ACTION}
MENU_MODALS = {ids.REASSIGN_MODAL: MenuChoice.REASSIGN, ids.SNOOZE_MODAL: MenuChoice.SNOOZE}
MENU_MODALS |= {ids.CLOSE_MODAL: MenuChoice.CLOSE, ids.EXPEDITE_MODAL: MenuChoice.EXPEDITE}
OTHER_MODALS = {ids.FEEDBACK_MODAL, ids.FEEDBACK_EDIT_MODAL, ids.DIGEST_MODAL}
ALL_MODALS = sorted({*CARD_MODALS, *MENU_MODALS, *OTHER_MODALS})


@pytest.fixture
async def view(bot: RunningBot, slack_requests: SlackRequests, callback_id: str) -> dict[str, Any]:
    """The modal `callback_id` as the bot opened it (views.open), from where a rep opens it."""
    if callback_id in CARD_MODALS:
        return await open_modal(bot, slack_requests, CARD_MODALS[callback_id])
    if callback_id in MENU_MODALS:
        return await open_menu_modal(bot, slack_requests, MENU_MODALS[callback_id])
    if callback_id == ids.FEEDBACK_MODAL:
        return await open_feedback_modal(bot, slack_requests)
    if callback_id == ids.DIGEST_MODAL:
        await bot.send(slack_requests.slash_command("digest add", user_id=REP))
        digest: dict[str, Any] = bot.fake.last("views.open").args["view"]
        return digest
    card = await command(bot, slack_requests, "feedback SO-1001 Where is my order?")
    return await open_edit(bot, slack_requests, edit_buttons(card)[0])


async def test_fuzz_covers_every_registered_modal(services: Services):
    app = AsyncApp(token="xoxb-test", signing_secret="secret")

    registered = register_listeners(app, services).registry.registered["view"]

    assert registered == set(ALL_MODALS)


def input_blocks(view: dict[str, Any]) -> set[str]:
    return {block["block_id"] for block in view["blocks"] if block["type"] == "input"}


@pytest.mark.parametrize("callback_id", ALL_MODALS)
@settings(FUZZ, max_examples=30)
@given(data=st.data())
async def test_fuzz_modal_submissions_answer_in_the_modal_and_never_write_half(
    bot: RunningBot,
    slack_requests: SlackRequests,
    services: Services,
    view: dict[str, Any],
    data: st.DataObject,
):
    state = data.draw(submitted_state(view), label="state")
    before = await fingerprint(services)

    request = slack_requests.view_submission(
        view["callback_id"], state, private_metadata=view["private_metadata"], user_id=REP
    )
    response = await bot.send(request)
    await bot.settle()

    assert response.status_code == 200, response.text
    answer = response.json() if response.content else {}
    assert answer.get("response_action") in (None, "errors", "update"), answer
    if answer.get("response_action") == "errors":
        assert set(answer["errors"]) <= input_blocks(view), answer
    after = await fingerprint(services)
    if answer:  # refused: nothing written
        assert after == before
    else:  # saved: one change of one order at most (a repeated save writes nothing)
        assert after["orders.version"] - before["orders.version"] in (0, 1)
