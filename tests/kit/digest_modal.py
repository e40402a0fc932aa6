"""Arrangements for the digest listener tests: a running bot, modal states, replies."""

from __future__ import annotations

from typing import Any

from bot.sandbox.signing import SlackRequests
from tests.kit.common import checked_message
from tests.kit.running_bot import RunningBot

REP, OTHER, VIEWER, LEAD = "U0REP0001", "U0REP0002", "U0VIEW001", "U0LEAD001"
CHANNEL = "C0DIGEST"


async def command(bot: RunningBot, requests: SlackRequests, text: str, user: str = REP) -> Any:
    """`/backlog TEXT` from C0DIGEST; waits for the work after the ack."""
    response = await bot.send(requests.slash_command(text, user_id=user, channel_id=CHANNEL))
    assert response.status_code == 200
    await bot.settle()
    return response.json() if response.content else {}


def replies(bot: RunningBot) -> list[dict[str, Any]]:
    """Messages sent to response_urls, oldest first, after the fake's Block Kit checks."""
    return [checked_message(call.args) for call in bot.fake.calls_to("response_url")]


def reply_texts(bot: RunningBot) -> list[str]:
    return [str(reply["text"]) for reply in replies(bot)]


def opened_view(bot: RunningBot) -> dict[str, Any]:
    view: dict[str, Any] = bot.fake.last("views.open").args["view"]
    return view


def state_of(view: dict[str, Any], **changes: dict[str, Any]) -> dict[str, Any]:
    """The state Slack would send for `view` untouched, with some blocks' elements replaced."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state[block["block_id"]] = {element["action_id"]: _as_submitted(element)}
    for block_id, element in changes.items():
        action_id = next(iter(state[block_id]))
        state[block_id] = {action_id: element}
    return state


def _as_submitted(element: dict[str, Any]) -> dict[str, Any]:
    kind = element["type"]
    if kind in ("plain_text_input", "number_input"):
        return {"type": kind, "value": element.get("initial_value")}
    if kind in ("checkboxes", "multi_static_select"):
        return {"type": kind, "selected_options": element.get("initial_options", [])}
    if kind == "static_select":
        return {"type": kind, "selected_option": element.get("initial_option")}
    if kind == "users_select":
        return {"type": kind, "selected_user": element.get("initial_user")}
    if kind == "conversations_select":
        return {"type": kind, "selected_conversation": element.get("initial_conversation")}
    raise AssertionError(f"no submitted form for {kind}")


def text(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def number(value: str | None) -> dict[str, Any]:
    return {"type": "number_input", "value": value}


def picked(*values: str) -> dict[str, Any]:
    return {
        "type": "checkboxes",
        "selected_options": [
            {"text": {"type": "plain_text", "text": v}, "value": v} for v in values
        ],
    }


def conversation(channel: str | None) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": channel}


async def submit(
    bot: RunningBot, requests: SlackRequests, view: dict[str, Any], state: dict[str, Any],
    user: str = REP,
) -> dict[str, Any]:  # fmt: skip
    request = requests.view_submission(
        view["callback_id"], state, private_metadata=view["private_metadata"], user_id=user
    )
    response = await bot.send(request)
    assert response.status_code == 200
    await bot.settle()
    answer: dict[str, Any] = response.json() if response.content else {}
    return answer
