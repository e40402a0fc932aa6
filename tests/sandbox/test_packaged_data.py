"""The Web API works from its package data alone: a user's clone has no ../shared."""

from __future__ import annotations

from pathlib import Path

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.limits import load_required_args, packaged_required_args
from bot.sandbox.web_api import FakeSlack

NOWHERE = Path("/nonexistent/shared/slack")


def test_packaged_required_args_agree_with_slack_spec() -> None:
    packaged = packaged_required_args()

    from_spec = load_required_args()

    assert {method: from_spec[method] for method in packaged} == packaged


async def test_web_api_without_shared_answers_and_refuses_like_slack() -> None:
    async with FakeSlack(spec_path=NOWHERE / "spec.json", samples_dir=NOWHERE / "api") as fake:
        client = AsyncWebClient(token="xoxb-sandbox", base_url=fake.base_url)

        posted = await client.chat_postMessage(channel="C1", text="hello")
        who = await client.auth_test()
        try:
            await client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "nope"}])
        except SlackApiError as exc:
            refusal = exc.response["error"]
        try:
            await client.api_call("files.upload")
        except SlackApiError as exc:
            unknown = exc.response["error"]

    assert posted["ts"] and posted["message"]["text"] == "hello"
    assert who["user_id"] == "UBOT"
    assert refusal == "invalid_blocks"
    assert unknown == "unknown_method"
