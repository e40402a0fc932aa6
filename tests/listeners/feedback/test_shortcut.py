"""The "Log customer feedback" shortcut end to end: signed requests, the fake Slack, both DBs."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.models.blocks import Option

from bot.blocks.feedback.replies import BOT_MESSAGE_REFUSAL
from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.sandbox.payloads import BOT_ID, BOT_USER_ID
from bot.sandbox.signing import FORM, SIGNING_SECRET, SignedRequest, SlackRequests, sign
from storage.orders.tables import EventKind
from tests.conftest import SHARED
from tests.kit.card import events, submit
from tests.kit.feedback import (
    CUSTOMER,
    LEAD,
    REP,
    VIEWER,
    feedback_state,
    initial_texts,
    open_feedback_modal,
    stored_feedback,
    suggest,
)
from tests.kit.menu import replies
from tests.kit.running_bot import RunningBot


async def test_shortcut_opens_the_modal_with_the_message_text_and_its_permalink(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_feedback_modal(
        bot, slack_requests, "Still no delivery &lt;3 weeks&gt; &amp; counting"
    )

    permalink = bot.fake.last("chat.getPermalink").args
    assert (permalink["channel"], permalink["message_ts"]) == ("C111", "1700000000.000200")
    assert view["callback_id"] == ids.FEEDBACK_MODAL
    assert initial_texts(view) == {"feedback_text": "Still no delivery <3 weeks> & counting"}
    origin = view["blocks"][0]["elements"][0]["text"]
    assert "https://backlog-test.slack.com/archives/C111/p1700000000000200" in origin
    assert f"<@{CUSTOMER}>" in origin


async def test_shortcut_submission_logs_feedback_confirms_and_tells_the_follow_up_owner(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_feedback_modal(bot, slack_requests, "Cancel it if it is not here Friday")
    state = feedback_state(
        initial_texts(view), tags=("delay_complaint", "cancellation_threat"), owner=LEAD
    )

    answer = await submit(bot, slack_requests, view, state)

    assert answer == {}
    [row] = await stored_feedback(bot.services)
    assert (row.text, row.sentiment, row.author, row.logged_by) == (
        "Cancel it if it is not here Friday",
        "negative",
        CUSTOMER,
        REP,
    )
    assert row.permalink == "https://backlog-test.slack.com/archives/C111/p1700000000000200"
    assert (row.channel_id, row.message_ts, row.follow_up_owner) == (
        "C111",
        "1700000000.000200",
        LEAD,
    )
    [event] = await events(bot.services, EventKind.FEEDBACK_LOGGED)
    assert event.new_value == "Negative · Delay complaint, Cancellation threat"
    [confirmation] = replies(bot)
    assert confirmation["response_type"] == "ephemeral"
    assert confirmation["text"].startswith("Logged customer feedback on SO-1001")
    dm = bot.fake.last("chat.postMessage").args
    assert dm["channel"] == LEAD and f"<@{REP}>" in dm["text"]


async def test_shortcut_feedback_naming_oneself_to_follow_up_sends_no_dm(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_feedback_modal(bot, slack_requests)

    await submit(bot, slack_requests, view, feedback_state(initial_texts(view), owner=REP))

    assert bot.fake.calls_to("chat.postMessage") == []


async def test_shortcut_feedback_for_a_customer_without_an_order(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_feedback_modal(bot, slack_requests)

    await submit(bot, slack_requests, view, feedback_state(initial_texts(view), "c:Hooli"))

    [row] = await stored_feedback(bot.services)
    assert (row.order_id, row.customer) == (None, "Hooli")
    assert "Hooli (no order)" in replies(bot)[0]["text"]


async def test_shortcut_keeps_any_language_emoji_and_lines_exactly(
    bot: RunningBot, slack_requests: SlackRequests
):
    text = "Très déçu 😤🙏🏽\n\n納期はいつですか？\n  — Jürgen"
    view = await open_feedback_modal(bot, slack_requests, text)

    await submit(bot, slack_requests, view, feedback_state(initial_texts(view)))

    assert (await stored_feedback(bot.services))[0].text == text


async def test_shortcut_splits_a_long_message_over_inputs_and_joins_it_exactly(
    bot: RunningBot, slack_requests: SlackRequests
):
    text = "\n".join(f"Line {n}: the pallets never arrived 🚚" for n in range(1000))
    view = await open_feedback_modal(bot, slack_requests, text)
    parts = initial_texts(view)

    await submit(bot, slack_requests, view, feedback_state(parts))

    assert len(text) < 40_000 < 2 * len(parts) * 3000
    assert all(len(p.encode("utf-16-le")) // 2 <= 3000 for p in parts.values())
    assert all(p.endswith("\n") for p in list(parts.values())[:-1])  # cut after a line
    assert (await stored_feedback(bot.services))[0].text == text


async def test_shortcut_on_a_message_of_the_bot_itself_is_refused_politely(
    bot: RunningBot, slack_requests: SlackRequests
):
    request = slack_requests.message_shortcut(
        ids.LOG_FEEDBACK_SHORTCUT, "Order SO-1001 slipped", message_user=BOT_USER_ID, bot_id=BOT_ID
    )

    response = await bot.send(request)
    await bot.settle()

    assert response.status_code == 200
    assert bot.fake.calls_to("views.open") == []
    [refusal] = replies(bot)
    assert (refusal["text"], refusal["response_type"]) == (BOT_MESSAGE_REFUSAL, "ephemeral")


async def test_shortcut_on_another_bots_message_opens_the_modal(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_feedback_modal(
        bot, slack_requests, "Fwd: complaint", message_user="U0MAILBOT", bot_id="B0MAIL"
    )

    assert view["callback_id"] == ids.FEEDBACK_MODAL


async def test_shortcut_refuses_viewers_before_opening_anything(
    bot: RunningBot, slack_requests: SlackRequests
):
    request = slack_requests.message_shortcut(ids.LOG_FEEDBACK_SHORTCUT, "late", user_id=VIEWER)

    await bot.send(request)
    await bot.settle()

    assert bot.fake.calls_to("views.open") == []
    assert "viewer access" in replies(bot)[0]["text"]


async def test_shortcut_opens_the_modal_without_a_link_when_slack_gives_none(
    bot: RunningBot, slack_requests: SlackRequests
):
    bot.fake.fail_next("chat.getPermalink", "message_not_found")

    view = await open_feedback_modal(bot, slack_requests)
    await submit(bot, slack_requests, view, feedback_state(initial_texts(view)))

    assert view["blocks"][0]["elements"][0]["text"].startswith("From a message by")
    assert (await stored_feedback(bot.services))[0].permalink is None


async def test_order_picker_offers_open_orders_then_customers(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_feedback_modal(bot, slack_requests)

    response = await suggest(bot, slack_requests, view, "acme")

    groups = response.json()["option_groups"]
    assert [g["label"]["text"] for g in groups] == ["Open orders", "Customer, without an order"]
    assert [o["value"] for o in groups[0]["options"]] == ["o:SO-1001"]
    assert [o["text"]["text"] for o in groups[1]["options"]] == [
        "Acme Hospital (no order)",
        "acme (no order)",
    ]
    for raw in groups[0]["options"] + groups[1]["options"]:
        Option(value=raw["value"], text=raw["text"]["text"]).validate_json()  # Slack's limits


async def test_order_picker_matches_order_ids_by_prefix(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_feedback_modal(bot, slack_requests)

    response = await suggest(bot, slack_requests, view, "SO-100")

    groups = response.json()["option_groups"]
    assert [o["value"] for o in groups[0]["options"]] == ["o:SO-1002", "o:SO-1001"]
    assert groups[1]["options"][0]["text"]["text"] == "SO-100 (no order)"


async def test_order_picker_offers_a_new_customer_as_typed(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_feedback_modal(bot, slack_requests)

    response = await suggest(bot, slack_requests, view, "Hooli  ")

    [group] = response.json()["option_groups"]
    assert [(o["text"]["text"], o["value"]) for o in group["options"]] == [
        ("Hooli (no order)", "c:Hooli")
    ]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"texts": {"feedback_text": ""}}, {"feedback_text"}),
        ({"texts": {"feedback_text": " \n\t "}}, {"feedback_text"}),
        ({"texts": {"feedback_text": None}}, {"feedback_text"}),
        ({"target": None}, {"feedback_target"}),
        ({"sentiment": None}, {"feedback_sentiment"}),
        (
            {"texts": {"feedback_text": ""}, "target": None, "sentiment": None},
            {"feedback_text", "feedback_target", "feedback_sentiment"},
        ),
        ({"target": "o:SO-404"}, {"feedback_target"}),
        ({"target": "c:   "}, {"feedback_target"}),
        ({"target": "c:" + "x" * 256}, {"feedback_target"}),
        (
            {
                "texts": {
                    f"feedback_text{s}": "x" * 3000 for s in ["", *(f"_{n}" for n in range(2, 15))]
                }
            },
            {"feedback_text"},
        ),
    ],
    ids=[
        "empty",
        "blank",
        "emptied",
        "no-target",
        "no-sentiment",
        "all-three",
        "order-gone",
        "blank-customer",
        "long-customer",
        "over-40000",
    ],
)
async def test_feedback_modal_answers_each_problem_under_its_field(
    bot: RunningBot, slack_requests: SlackRequests, change: dict[str, Any], errors: set[str]
):
    view = await open_feedback_modal(bot, slack_requests)
    state = feedback_state(**{"texts": initial_texts(view), **change})

    answer = await submit(bot, slack_requests, view, state)

    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == errors
    assert all(message.strip() for message in answer["errors"].values())
    assert await stored_feedback(bot.services) == []


async def test_feedback_modal_refuses_a_viewer_under_the_text(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_feedback_modal(bot, slack_requests)

    answer = await submit(bot, slack_requests, view, feedback_state(initial_texts(view)), VIEWER)

    assert "viewer access" in answer["errors"]["feedback_text"]


async def test_feedback_modal_double_submit_logs_once(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    view = await open_feedback_modal(bot, slack_requests)
    state = feedback_state(initial_texts(view))

    await submit(bot, slack_requests, view, state)
    await submit(bot, slack_requests, view, state)

    assert len(await stored_feedback(services)) == 1
    assert "already logged" in replies(bot)[-1]["text"]


def sample_shortcut(response_url: str, **message: Any) -> SignedRequest:
    """Slack's own MessageShortcutPayload sample, its placeholders filled in, signed."""
    payload = json.loads((SHARED / "slack/payloads/MessageShortcutPayload.json").read_text())
    payload.update(
        callback_id=ids.LOG_FEEDBACK_SHORTCUT,
        trigger_id="12345.98765.abcd2358fdea",
        message_ts="1700000000.000300",
        response_url=response_url,
        token="legacy-verification-token",
        action_ts="1700000001.000000",
    )
    payload["team"].update(id="T0001", domain="backlog-test")
    payload["user"].update(id=REP, name="rep", team_id="T0001")
    payload["channel"].update(id="C111", name="orders")
    payload["message"].update(
        type="message", team="T0001", channel="C111", ts="1700000000.000300", **message
    )
    body = urlencode({"payload": json.dumps(payload)})
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(SIGNING_SECRET, stamp, body),
    }
    return SignedRequest(body, headers, FORM)


async def test_shortcut_payload_shaped_like_slacks_sample_logs_feedback(
    bot: RunningBot, slack_requests: SlackRequests
):
    request = sample_shortcut(bot.fake.response_url("sample"), user=CUSTOMER, text="Sample: late")

    response = await bot.send(request)
    view = bot.fake.last("views.open").args["view"]
    await submit(bot, slack_requests, view, feedback_state(initial_texts(view)))

    assert response.status_code == 200
    [row] = await stored_feedback(bot.services)
    assert (row.text, row.author, row.message_ts) == ("Sample: late", CUSTOMER, "1700000000.000300")
    assert replies(bot)[0]["text"].startswith("Logged customer feedback on SO-1001")


async def test_shortcut_on_the_bots_own_message_in_the_samples_shape_is_refused(
    bot: RunningBot,
):
    request = sample_shortcut(
        bot.fake.response_url("sample"), user=BOT_USER_ID, bot_id=BOT_ID, text="Digest"
    )

    await bot.send(request)
    await bot.settle()

    assert bot.fake.calls_to("views.open") == []
    assert replies(bot)[0]["text"] == BOT_MESSAGE_REFUSAL
