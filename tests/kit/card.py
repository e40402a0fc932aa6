"""Driving the order card through a running bot: look an order up, click, open and submit modals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.bootstrap.container import Services
from bot.sandbox.signing import SlackRequests
from storage.orders.tables import OrderEvent
from tests.kit.common import checked_message
from tests.kit.running_bot import RunningBot

REP, VIEWER = "U0REP0001", "U0VIEW001"


async def card(bot: RunningBot, requests: SlackRequests) -> dict[str, Any]:
    response = await bot.send(requests.slash_command("SO-1001", user_id=REP))
    return checked_message(response.json())


def button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} button")


async def open_modal(
    bot: RunningBot, requests: SlackRequests, action_id: str, user: str = REP
) -> dict[str, Any]:
    value = button(await card(bot, requests), action_id)["value"]
    response = await bot.send(requests.block_actions(action_id, value=value, user_id=user))
    assert response.status_code == 200
    view: dict[str, Any] = bot.fake.last("views.open").args["view"]
    return view


def eta_state(
    day: str | None, reason: str | None = "supplier_delay", note: str = "", informed: bool = False
) -> dict[str, Any]:
    return {
        "eta_date": {"value": {"type": "datepicker", "selected_date": day}},
        "eta_reason": {
            "value": {
                "type": "static_select",
                "selected_option": {"value": reason} if reason else None,
            }
        },
        "eta_note": {"value": {"type": "plain_text_input", "value": note}},
        "eta_informed": {
            "value": {
                "type": "checkboxes",
                "selected_options": [{"value": "yes"}] if informed else [],
            }
        },
    }


async def submit(
    bot: RunningBot,
    requests: SlackRequests,
    view: dict[str, Any],
    state: dict[str, Any],
    user: str = REP,
) -> dict[str, Any]:
    request = requests.view_submission(
        view["callback_id"], state, private_metadata=view["private_metadata"], user_id=user
    )
    response = await bot.send(request)
    assert response.status_code == 200
    await bot.settle()
    return response.json() if response.content else {}


async def events(services: Services, kind: str) -> list[OrderEvent]:
    async with services.sessions() as session:
        query = select(OrderEvent).where(col(OrderEvent.kind) == kind).order_by(col(OrderEvent.id))
        return list((await session.execute(query)).scalars())


async def command(
    bot: RunningBot, requests: SlackRequests, text: str, user: str = "U0123ABCD"
) -> dict[str, Any]:
    response = await bot.send(requests.slash_command(text, user_id=user))
    assert response.status_code == 200
    return checked_message(response.json())
