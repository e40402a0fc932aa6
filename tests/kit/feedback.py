"""Shared arrangements for the customer feedback tests: a running bot, shortcut, states."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.sandbox.signing import SlackRequests
from storage.feedback.tables import Feedback
from tests.kit.common import checked_message
from tests.kit.running_bot import RunningBot

REP, VIEWER, LEAD, CUSTOMER = "U0REP0001", "U0VIEW001", "U0LEAD001", "U0CUST001"


async def open_feedback_modal(
    bot: RunningBot, requests: SlackRequests, text: str = "Where is my order?", **message: Any
) -> dict[str, Any]:
    """Use the shortcut on a message; the modal the bot opened."""
    request = requests.message_shortcut(
        ids.LOG_FEEDBACK_SHORTCUT, text, **{"message_user": CUSTOMER, "user_id": REP, **message}
    )
    response = await bot.send(request)
    assert response.status_code == 200
    view: dict[str, Any] = bot.fake.last("views.open").args["view"]
    return view


def initial_texts(view: dict[str, Any]) -> dict[str, str]:
    """The text inputs' pre-filled values by block id."""
    return {
        block["block_id"]: block["element"].get("initial_value", "")
        for block in view["blocks"]
        if block["type"] == "input" and block["element"]["type"] == "plain_text_input"
    }


def feedback_state(
    texts: Mapping[str, str | None],
    target: str | None = "o:SO-1001",
    sentiment: str | None = "negative",
    tags: tuple[str, ...] = (),
    owner: str | None = None,
) -> dict[str, Any]:
    """A submitted feedback modal; `texts` by block id, like initial_texts()."""
    state: dict[str, Any] = {
        block: {"value": {"type": "plain_text_input", "value": value}}
        for block, value in texts.items()
    }
    option = {"text": {"type": "plain_text", "text": target}, "value": target} if target else None
    state["feedback_target"] = {
        ids.FEEDBACK_TARGET_ACTION: {"type": "external_select", "selected_option": option}
    }
    chosen = {"value": sentiment} if sentiment else None
    state["feedback_sentiment"] = {"value": {"type": "radio_buttons", "selected_option": chosen}}
    state["feedback_tags"] = {
        "value": {"type": "checkboxes", "selected_options": [{"value": t} for t in tags]}
    }
    state["feedback_owner"] = {"value": {"type": "users_select", "selected_user": owner}}
    return state


async def suggest(
    bot: RunningBot, requests: SlackRequests, view: dict[str, Any], typed: str
) -> httpx.Response:
    """The options request Slack sends while the rep types in the order picker."""
    # The modal as Slack holds it (with its id and state), around what the bot opened.
    shown = requests.view_submission(
        view["callback_id"], {}, private_metadata=view["private_metadata"]
    ).payload()["view"]
    request = requests.block_suggestion(
        ids.FEEDBACK_TARGET_ACTION, typed, user_id=REP, block_id="feedback_target", view=shown
    )
    return await bot.send(request)


async def stored_feedback(services: Services) -> list[Feedback]:
    async with services.sessions() as session:
        query = select(Feedback).order_by(col(Feedback.id))
        return list((await session.execute(query)).scalars())


async def command(
    bot: RunningBot, requests: SlackRequests, text: str, user: str = REP
) -> dict[str, Any]:
    response = await bot.send(requests.slash_command(text, user_id=user))
    assert response.status_code == 200
    return checked_message(response.json())


def edit_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        block["accessory"]
        for block in message["blocks"]
        if block.get("accessory", {}).get("action_id") == ids.FEEDBACK_EDIT_ACTION
    ]


async def open_edit(
    bot: RunningBot, requests: SlackRequests, button: dict[str, Any], user: str = REP
) -> dict[str, Any]:
    request = requests.block_actions(ids.FEEDBACK_EDIT_ACTION, value=button["value"], user_id=user)
    response = await bot.send(request)
    await bot.settle()
    assert response.status_code == 200
    view: dict[str, Any] = bot.fake.last("views.open").args["view"]
    return view
