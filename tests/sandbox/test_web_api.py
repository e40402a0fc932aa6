"""The fake Slack Web API, driven by slack_sdk's real AsyncWebClient."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.sandbox.web_api import FakeSlack
from tests.kit.pace import VirtualTime

# Fixtures reach pytest through module globals; tests/conftest.py will import them for all.

MODAL_TITLE = {"type": "plain_text", "text": "Update ETA"}


def client_for(fake: FakeSlack, **options: Any) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.base_url, **options)


def section(text: str = "Order *SO-1001* is late") -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(blocks: list[dict[str, Any]], title: str = "Update ETA") -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": blocks}


async def error_of(call: Awaitable[Any]) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        await call
    return raised.value


async def test_fake_slack_records_calls_with_args(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    await client.chat_postMessage(channel="C111", text="hello", blocks=[section()])

    call = fake_slack.last("chat.postMessage")
    assert call.args["channel"] == "C111"
    assert call.args["blocks"] == [section()]
    assert call.headers["Authorization"] == "Bearer xoxb-test"
    assert [c.method for c in fake_slack.calls] == ["chat.postMessage"]


async def test_fake_slack_post_message_with_valid_blocks_succeeds(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    first = await client.chat_postMessage(channel="C111", text="late", blocks=[section()])
    second = await client.chat_postMessage(channel="C111", text="later")

    assert first["ok"] is True
    assert first["channel"] == "C111"
    assert first["ts"] == "1700000000.000100"
    assert second["ts"] > first["ts"]
    assert first["message"]["blocks"] == [section()]
    assert "error" not in first.data
    assert fake_slack.warnings == []


async def test_fake_slack_rejects_51_blocks(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    error = await error_of(
        client.chat_postMessage(channel="C111", text="x", blocks=[section()] * 51)
    )

    assert error.response["error"] == "invalid_blocks"
    assert "no more than 50 items" in error.response["errors"][0]


@pytest.mark.parametrize(
    "block",
    [
        section("x" * 3001),
        {"type": "actions", "elements": [{"type": "button", "action_id": "ack"}]},
        {"type": "actions", "elements": [{"type": "button", "action_id": "a", "text": "y" * 80}]},
        {"type": "no_such_block"},
    ],
    ids=["section_over_3000", "button_without_text", "button_text_over_75", "unknown_type"],
)
async def test_fake_slack_rejects_invalid_block(
    fake_slack: FakeSlack, block: dict[str, Any]
) -> None:
    client = client_for(fake_slack)

    error = await error_of(client.chat_postMessage(channel="C111", text="x", blocks=[block]))

    assert error.response["error"] == "invalid_blocks"
    assert "[json-pointer:/blocks/0]" in error.response["errors"][0]


async def test_fake_slack_rejects_blocks_over_12000_chars(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    blocks = [section("y" * 2900) for _ in range(5)]  # each block valid, 14.5k together

    error = await error_of(client.chat_postMessage(channel="C111", text="x", blocks=blocks))

    assert error.response["error"] == "msg_blocks_too_long"


async def test_fake_slack_rejects_text_over_40000_chars(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    error = await error_of(client.chat_postMessage(channel="C111", text="z" * 40_001))

    assert error.response["error"] == "msg_too_long"


async def test_fake_slack_rejects_missing_channel(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    error = await error_of(client.api_call("chat.postMessage", json={"text": "x"}))

    assert error.response["error"] == "invalid_arguments"
    messages = error.response["response_metadata"]["messages"]
    assert messages == ["[ERROR] missing required field: channel"]


async def test_fake_slack_rejects_message_without_content(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    error = await error_of(client.api_call("chat.postMessage", json={"channel": "C111"}))

    assert error.response["error"] == "no_text"


async def test_fake_slack_rejects_unknown_method(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    error = await error_of(client.api_call("chat.postMassage", json={"channel": "C111"}))

    assert error.response["error"] == "unknown_method"
    assert fake_slack.last("chat.postMassage").args == {"channel": "C111"}


async def test_fake_slack_rejects_missing_token(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(base_url=fake_slack.base_url)

    error = await error_of(client.auth_test())

    assert error.response["error"] == "not_authed"


async def test_fake_slack_accepts_form_body_with_token_and_json_string(
    fake_slack: FakeSlack,
) -> None:
    client = AsyncWebClient(base_url=fake_slack.base_url)
    form = {"token": "xoxb-form", "channel": "C111", "text": "x", "blocks": json.dumps([section()])}

    response = await client.api_call("chat.postMessage", data=form)

    assert response["ok"] is True
    assert fake_slack.last("chat.postMessage").args["blocks"] == [section()]


async def test_fake_slack_validates_blocks_sent_as_form_json(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    form = {"channel": "C111", "text": "x", "blocks": json.dumps([section()] * 51)}

    error = await error_of(client.api_call("chat.postMessage", data=form))

    assert error.response["error"] == "invalid_blocks"


async def test_fake_slack_fail_next_answers_error_once(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")

    error = await error_of(client.chat_postMessage(channel="C111", text="x"))
    retried = await client.chat_postMessage(channel="C111", text="x")

    assert error.response["error"] == "not_in_channel"
    assert error.response.status_code == 200
    assert retried["ok"] is True
    assert [call.refused for call in fake_slack.calls] == [True, False]


async def test_fake_slack_rate_limit_is_retried_by_slack_sdk_handler(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack, retry_handlers=[AsyncRateLimitErrorRetryHandler()])
    fake_slack.rate_limit_next("chat.postMessage", retry_after=1)

    response = await client.chat_postMessage(channel="C111", text="x")

    assert response["ok"] is True
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


async def test_fake_slack_rate_limit_without_handler_raises_429(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.rate_limit_next("chat.postMessage", retry_after=7)

    error = await error_of(client.chat_postMessage(channel="C111", text="x"))

    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response["error"] == "ratelimited"
    assert [call.refused for call in fake_slack.calls] == [True]


async def test_fake_slack_pacing_refuses_a_second_message_to_a_channel_within_a_second(
    fake_slack: FakeSlack,
) -> None:
    client = client_for(fake_slack)
    time = VirtualTime()
    fake_slack.pace_channels(clock=time.clock)

    await client.chat_postMessage(channel="C111", text="first")
    await client.chat_postMessage(channel="C222", text="another channel")
    error = await error_of(client.chat_postMessage(channel="C111", text="too soon"))
    await time.sleep(1)
    await client.chat_postMessage(channel="C111", text="in its turn")

    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "1"
    assert [call.refused for call in fake_slack.calls] == [False, False, True, False]


async def test_fake_slack_slow_answer_times_out_the_client(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack, timeout=1)
    fake_slack.slow_next("chat.postMessage", seconds=5)

    # aiohttp's total timeout: a plain TimeoutError, which slack_sdk neither wraps nor retries.
    with pytest.raises(TimeoutError):
        await client.chat_postMessage(channel="C111", text="x")

    assert len(fake_slack.calls_to("chat.postMessage")) == 1


async def test_fake_slack_http_error_raises_with_status(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.http_error_next("users.info", status=503)

    error = await error_of(client.users_info(user="U111"))

    assert error.response.status_code == 503


async def test_fake_slack_set_response_overrides_default_answer(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.set_response("conversations.info", {"channel": {"id": "C9", "is_archived": True}})

    response = await client.conversations_info(channel="C9")

    assert response["ok"] is True
    assert response["channel"] == {"id": "C9", "is_archived": True}


async def test_fake_slack_default_answers_follow_args(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    auth = await client.auth_test()
    user = await client.users_info(user="U222")
    channel = await client.conversations_info(channel="C333")
    permalink = await client.chat_getPermalink(channel="C111", message_ts="1700000000.000100")
    updated = await client.chat_update(channel="C111", ts="1700000000.000100", text="new")

    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == ("UBOT", "BBOT", "T0001")
    assert "enterprise_id" not in auth.data
    assert (user["user"]["id"], user["user"]["tz"]) == ("U222", "America/New_York")
    assert channel["channel"]["id"] == "C333"
    assert permalink["permalink"].endswith("/archives/C111/p1700000000000100")
    assert (updated["channel"], updated["ts"]) == ("C111", "1700000000.000100")


async def test_fake_slack_views_open_returns_the_view_with_id_and_hash(
    fake_slack: FakeSlack,
) -> None:
    client = client_for(fake_slack)

    response = await client.views_open(trigger_id="t1", view=modal([section()]))

    view = response["view"]
    assert view["id"].startswith("V")
    assert view["hash"]
    assert view["title"] == MODAL_TITLE
    assert view["blocks"] == [section()]


async def test_fake_slack_with_one_use_triggers_takes_each_trigger_id_once() -> None:
    async with FakeSlack(one_use_triggers=True) as fake:
        client = client_for(fake)
        await client.views_open(trigger_id="t1", view=modal([section()]))

        again = await error_of(client.views_push(trigger_id="t1", view=modal([section()])))

    assert again.response["error"] == "exchanged_trigger_id"


@pytest.mark.parametrize(
    "view",
    [modal([section()], title="An overly long modal title"), modal([section()] * 101)],
    ids=["title_over_24", "101_blocks"],
)
async def test_fake_slack_views_open_rejects_invalid_modal(
    fake_slack: FakeSlack, view: dict[str, Any]
) -> None:
    client = client_for(fake_slack)

    error = await error_of(client.views_open(trigger_id="t1", view=view))

    assert error.response["error"] == "invalid_blocks"


async def test_fake_slack_views_publish_accepts_100_blocks(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    response = await client.views_publish(
        user_id="U111", view={"type": "home", "blocks": [section()] * 100}
    )

    assert response["view"]["type"] == "home"


async def test_fake_slack_views_publish_rejects_101_blocks(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    error = await error_of(
        client.views_publish(user_id="U111", view={"type": "home", "blocks": [section()] * 101})
    )

    assert error.response["error"] == "invalid_blocks"
    assert "no more than 100 items allowed" in error.response["errors"][0]


async def test_fake_slack_rejects_a_view_with_a_repeated_block_id(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    twice = [{**section(), "block_id": "row"}, {**section(), "block_id": "row"}]

    error = await error_of(
        client.views_publish(user_id="U111", view={"type": "home", "blocks": twice})
    )

    assert error.response["error"] == "invalid_blocks"
    assert "duplicate block_id 'row'" in error.response["errors"][0]


async def test_fake_slack_warns_about_blocks_without_text(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    with pytest.warns(UserWarning, match="`text` argument is missing"):
        await client.chat_postMessage(channel="C111", blocks=[section()])

    assert fake_slack.warnings == ["chat.postMessage to C111: blocks without `text`"]


async def test_fake_slack_response_url_records_and_validates(fake_slack: FakeSlack) -> None:
    webhook = AsyncWebhookClient(fake_slack.response_url("cmd-1"))

    ok = await webhook.send(text="done", blocks=[section()], replace_original=True)
    bad = await webhook.send(text="done", blocks=[section()] * 51)

    assert (ok.status_code, json.loads(ok.body)) == (200, {"ok": True})
    assert bad.status_code == 400
    assert json.loads(bad.body)["error"] == "invalid_blocks"
    call = fake_slack.calls_to("response_url")[0]
    assert call.args["replace_original"] is True
    assert call.path == "/response/cmd-1"


def test_fake_slack_last_lists_what_was_called() -> None:
    fake = FakeSlack()

    with pytest.raises(AssertionError, match=r"no call to views.open; called: nothing"):
        fake.last("views.open")


async def test_fake_slack_rejects_malformed_json_body(fake_slack: FakeSlack) -> None:
    headers = {"Content-Type": "application/json", "Authorization": "Bearer xoxb-test"}

    async with aiohttp.ClientSession() as session:
        url = f"{fake_slack.base_url}chat.postMessage"
        async with session.post(url, data="{not json", headers=headers) as response:
            body = await response.json()

    assert (response.status, body) == (200, {"ok": False, "error": "invalid_json"})


async def test_fake_slack_reset_drops_the_connection_without_an_answer(
    fake_slack: FakeSlack,
) -> None:
    client = client_for(fake_slack, retry_handlers=[])  # slack_sdk retries a reset once
    fake_slack.reset_next("chat.postMessage")

    with pytest.raises(aiohttp.ClientOSError, match="Connection reset by peer"):
        await client.chat_postMessage(channel="C111", text="x")
    retried = await client.chat_postMessage(channel="C111", text="x")

    assert retried["ok"] is True
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


async def test_fake_slack_hold_keeps_the_nth_call_unanswered_until_released(
    fake_slack: FakeSlack,
) -> None:
    client = client_for(fake_slack)
    hold = fake_slack.hold("chat.postMessage", nth=2)
    first = await client.chat_postMessage(channel="C111", text="first")
    second = asyncio.create_task(client.chat_postMessage(channel="C111", text="second"))

    held = await asyncio.wait_for(hold.wait(), 5)
    waiting = not second.done()
    hold.release()
    answer = await asyncio.wait_for(second, 5)

    assert (first["ok"], waiting, answer["ok"]) == (True, True, True)
    assert (held.args["text"], held.dropped, held.refused) == ("second", False, False)


async def test_fake_slack_hold_drops_a_call_whose_client_hung_up(fake_slack: FakeSlack) -> None:
    hold = fake_slack.hold("chat.postMessage")
    port = int(fake_slack.base_url.split(":")[2].split("/")[0])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = b'{"channel": "C111", "text": "lost"}'
    writer.write(
        b"POST /api/chat.postMessage HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Authorization: Bearer xoxb-test\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    await writer.drain()

    held = await asyncio.wait_for(hold.wait(), 5)
    writer.close()  # the process died: its socket closes with the request unanswered
    await writer.wait_closed()
    await asyncio.wait_for(hold.hung_up.wait(), 5)
    hold.release()
    await asyncio.wait_for(hold.settled.wait(), 5)

    assert (held.args["text"], held.dropped) == ("lost", True)
    assert await reader.read() == b""  # no answer ever came
