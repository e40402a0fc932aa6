"""Shared arrangements for the card's overflow-menu tests: a running bot, clicks, submissions."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from bot.blocks.kit import ids
from bot.blocks.orders.menu import MenuChoice
from bot.bootstrap.container import Services
from bot.sandbox.signing import SlackRequests
from storage.orders.tables import ExpediteRequest
from tests.kit.common import checked_message
from tests.kit.running_bot import RunningBot

REP, OTHER, VIEWER, LEAD = "U0REP0001", "U0REP0002", "U0VIEW001", "U0LEAD001"
ORDER = "SO-1001"


async def card(bot: RunningBot, requests: SlackRequests, user: str = REP) -> dict[str, Any]:
    response = await bot.send(requests.slash_command(ORDER, user_id=user))
    return checked_message(response.json())


def element(message: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    for block in message["blocks"]:
        for found in block.get("elements", []):
            if found.get("action_id") == action_id:
                return dict(found)
    return None


def menu_value(message: dict[str, Any], choice: MenuChoice) -> str:
    menu = element(message, ids.ORDER_MENU_ACTION)
    assert menu is not None, "the card has no overflow menu"
    [value] = [o["value"] for o in menu["options"] if o["value"].startswith(f"{choice}|")]
    return str(value)


async def pick(
    bot: RunningBot, requests: SlackRequests, value: str, user: str = REP
) -> httpx.Response:
    """Pick the overflow option with `value`, then wait for the follow-up work."""
    option = {"text": {"type": "plain_text", "text": "option"}, "value": value}
    request = requests.block_actions(
        ids.ORDER_MENU_ACTION,
        user_id=user,
        block_id=ids.ORDER_ACTIONS_BLOCK,
        action={"type": "overflow", "selected_option": option},
    )
    response = await bot.send(request)
    await bot.settle()
    return response


async def open_menu_modal(
    bot: RunningBot, requests: SlackRequests, choice: MenuChoice, user: str = REP
) -> dict[str, Any]:
    response = await pick(bot, requests, menu_value(await card(bot, requests), choice), user)
    assert response.status_code == 200
    view: dict[str, Any] = bot.fake.last("views.open").args["view"]
    return view


async def click(
    bot: RunningBot, requests: SlackRequests, action_id: str, value: str, user: str, **where: Any
) -> httpx.Response:
    response = await bot.send(requests.block_actions(action_id, value=value, user_id=user, **where))
    await bot.settle()
    return response


async def expedite_requests(services: Services) -> list[ExpediteRequest]:
    async with services.sessions() as session:
        query = select(ExpediteRequest).order_by(col(ExpediteRequest.id))
        return list((await session.execute(query)).scalars())


def user_state(user: str | None) -> dict[str, Any]:
    return {"owner_user": {"value": {"type": "users_select", "selected_user": user}}}


def snooze_state(
    day: str | None, reason: str = "Customer closed until Thursday", at: str | None = None
) -> dict[str, Any]:
    return {
        "snooze_date": {"value": {"type": "datepicker", "selected_date": day}},
        "snooze_time": {"value": {"type": "timepicker", "selected_time": at}},
        "snooze_reason": {"value": {"type": "plain_text_input", "value": reason}},
    }


def close_state(status: str | None, reason: str = "Shipped from the spare stock") -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": status}, "value": status} if status else None
    return {
        "close_status": {"value": {"type": "radio_buttons", "selected_option": option}},
        "close_reason": {"value": {"type": "plain_text_input", "value": reason}},
    }


def expedite_state(reason: str = "Surgery scheduled Friday") -> dict[str, Any]:
    return {"expedite_reason": {"value": {"type": "plain_text_input", "value": reason}}}


def replies(bot: RunningBot) -> list[dict[str, Any]]:
    """Everything posted to response_urls, oldest first, after the Block Kit checks."""
    return [checked_message(call.args) for call in bot.fake.calls_to("response_url")]
