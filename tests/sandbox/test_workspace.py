"""The sandbox's workspace follows what the bot asks of the Web API, refusals included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.render.page import fragments_for
from bot.sandbox.web_api import FakeSlack
from bot.sandbox.workspace import Reply, Workspace

REP, CHANNEL = "U0REP00001", "C0BACKLOG1"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def _watching(fake: FakeSlack) -> tuple[Workspace, AsyncWebClient]:
    workspace = Workspace()
    fake.observers.append(workspace.observe)
    return workspace, AsyncWebClient(token="xoxb-sandbox", base_url=fake.base_url)


async def test_workspace_posts_threads_and_updates_messages(slack: FakeSlack) -> None:
    workspace, client = _watching(slack)

    parent = await client.chat_postMessage(channel=CHANNEL, text="Digest: *3* orders")
    await client.chat_postMessage(channel=CHANNEL, text="Part 2/2", thread_ts=parent["ts"])
    await client.chat_update(channel=CHANNEL, ts=parent["ts"], text="Digest: *4* orders")

    top = workspace.channel_messages(CHANNEL, REP)
    assert [m.text for m in top] == ["Digest: *4* orders"]
    assert [m.text for m in workspace.thread(CHANNEL, parent["ts"], REP)] == ["Part 2/2"]


async def test_workspace_ephemeral_messages_show_only_to_their_user(slack: FakeSlack) -> None:
    workspace, client = _watching(slack)

    await client.chat_postEphemeral(channel=CHANNEL, user=REP, text="only you")

    assert [m.text for m in workspace.channel_messages(CHANNEL, REP)] == ["only you"]
    assert workspace.channel_messages(CHANNEL, "U0REP00002") == []
    assert "Only visible to you" in fragments_for(workspace, REP, CHANNEL, None)["pane"]


async def test_workspace_shows_a_refused_message_in_red_with_slacks_reason(
    slack: FakeSlack,
) -> None:
    workspace, client = _watching(slack)
    too_many = [{"type": "divider"}] * 51

    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel=CHANNEL, text="big", blocks=too_many)

    pane = fragments_for(workspace, REP, CHANNEL, None)["pane"]
    assert 'class="refusal"' in pane
    assert "Slack refused chat.postMessage: invalid_blocks" in pane
    assert "no more than 50 items allowed" in pane


async def test_workspace_refused_modal_is_shown_to_the_user_who_opened_it(
    slack: FakeSlack,
) -> None:
    workspace, client = _watching(slack)
    workspace.triggers["123.456.abc"] = REP
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "A title far too long for Slack"},
    }

    with pytest.raises(SlackApiError):
        await client.views_open(trigger_id="123.456.abc", view=view)

    modal = fragments_for(workspace, REP, CHANNEL, None)["modal"]
    assert "Slack refused views.open: invalid_blocks" in modal
    assert "must be less than 25 characters" in modal


async def test_workspace_response_url_replaces_the_original_message(slack: FakeSlack) -> None:
    workspace, client = _watching(slack)
    card = await client.chat_postEphemeral(channel=CHANNEL, user=REP, text="card v1")
    workspace.replies["actions-7"] = Reply(REP, CHANNEL, card["message_ts"])

    async with httpx.AsyncClient(trust_env=False) as http:
        await http.post(
            slack.response_url("actions-7"), json={"replace_original": True, "text": "card v2"}
        )

    assert [m.text for m in workspace.channel_messages(CHANNEL, REP)] == ["card v2"]


async def test_workspace_modal_stack_opens_pushes_and_updates(slack: FakeSlack) -> None:
    workspace, client = _watching(slack)
    workspace.triggers.update({"1.1.a": REP, "2.2.b": REP})
    shown: list[dict[str, Any]] = [{"type": "section", "text": _text("Order SO-1")}]

    opened = await client.views_open(trigger_id="1.1.a", view=_modal("First", shown))
    await client.views_push(trigger_id="2.2.b", view=_modal("Second", shown))
    await client.views_update(view_id=opened["view"]["id"], view=_modal("First, again", shown))

    titles = [v["title"]["text"] for v in workspace.modals[REP]]
    assert titles == ["First, again", "Second"]
    assert (workspace.top_view(REP) or {})["title"]["text"] == "Second"


def _text(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def _modal(title: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "modal", "title": _text(title), "blocks": blocks}
