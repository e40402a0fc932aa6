"""respond() through the app's shared HTTP session: same messages, one kept-alive connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.bootstrap.container import Services
from bot.listeners.core.respond import PooledRespond
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from tests.kit.common import checked_message, order_row, seed_orders
from tests.kit.running_bot import RunningBot, running_bot


@pytest.fixture
async def bot(services: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    async with running_bot(services, fake_slack) as running:
        yield running


async def test_respond_reuses_one_connection_for_successive_clicks(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Path
):
    await seed_orders(services, tmp_path, [order_row(order_id="SO-1"), order_row(order_id="SO-2")])

    for order_id in ("SO-1", "SO-2"):
        response = await bot.send(slack_requests.block_actions("order_open", value=order_id))
        await bot.settle()
        assert response.status_code == 200

    posts = bot.fake.calls_to("response_url")
    texts = [checked_message(post.args)["text"] for post in posts]
    assert [text.split(" for ")[0] for text in texts] == ["Order SO-1", "Order SO-2"]
    assert posts[0].peer != ""
    assert posts[0].peer == posts[1].peer


async def test_pooled_respond_sends_a_whole_message_given_as_a_dict(fake_slack: FakeSlack):
    async with aiohttp.ClientSession() as session:
        respond = PooledRespond(fake_slack.response_url("t1"), session)

        result = await respond({"text": "Done", "replace_original": True, "thread_ts": None})

    assert result.status_code == 200
    assert fake_slack.last("response_url").args == {"text": "Done", "replace_original": True}


async def test_pooled_respond_without_response_url_refuses():
    async with aiohttp.ClientSession() as session:
        respond = PooledRespond(None, session)

        with pytest.raises(ValueError, match="no response_url"):
            await respond("Done")
