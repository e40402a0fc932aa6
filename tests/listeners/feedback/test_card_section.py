"""Feedback on the order card: the quick note, Edit (sentiment, tags, owner), history."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.sandbox.signing import SlackRequests
from bot.services.feedback.entries import FeedbackInput
from storage.feedback.tables import FeedbackTag, Sentiment
from storage.orders.tables import EventKind
from tests.kit.card import events, submit
from tests.kit.feedback import LEAD, REP, VIEWER, command, edit_buttons, open_edit, stored_feedback
from tests.kit.menu import element, replies
from tests.kit.running_bot import RunningBot


def edit_state(
    sentiment: str | None, tags: tuple[str, ...] = (), owner: str | None = None
) -> dict[str, Any]:
    chosen = {"value": sentiment} if sentiment else None
    return {
        "edit_sentiment": {"value": {"type": "radio_buttons", "selected_option": chosen}},
        "edit_tags": {
            "value": {"type": "checkboxes", "selected_options": [{"value": t} for t in tags]}
        },
        "edit_owner": {"value": {"type": "users_select", "selected_user": owner}},
    }


async def test_quick_feedback_is_logged_and_answered_with_the_card(
    bot: RunningBot, slack_requests: SlackRequests
):
    message = await command(
        bot,
        slack_requests,
        "feedback SO-1001 Customer says &lt;3 weeks&gt; is too long &amp; may cancel",
    )

    [row] = await stored_feedback(bot.services)
    assert row.text == "Customer says <3 weeks> is too long & may cancel"
    assert (row.sentiment, row.author, row.logged_by) == (None, None, REP)
    assert message["text"] == "Logged customer feedback on SO-1001 (Sentiment not set · no tags)."
    assert "Edit" in message["blocks"][0]["text"]["text"]
    [button] = edit_buttons(message)
    assert json.loads(button["value"])["f"] == row.id
    assert element(message, ids.ETA_ACTION) is not None  # the card follows the notice


async def test_quick_feedback_keeps_several_lines(bot: RunningBot, slack_requests: SlackRequests):
    await command(bot, slack_requests, "feedback SO-1001 First line\nsecond line 👍")

    assert (await stored_feedback(bot.services))[0].text == "First line\nsecond line 👍"


async def test_quick_feedback_without_text_shows_the_usage(
    bot: RunningBot, slack_requests: SlackRequests
):
    message = await command(bot, slack_requests, "feedback SO-1001")

    assert "Give the order id and the customer's words." in message["text"]
    assert "/backlog feedback ORDER_ID TEXT" in message["text"]
    assert await stored_feedback(bot.services) == []


async def test_quick_feedback_on_an_unknown_order_suggests_close_ids(
    bot: RunningBot, slack_requests: SlackRequests
):
    message = await command(bot, slack_requests, "feedback SO-1003 late again")

    assert message["text"].startswith("I can't find order SO-1003. Did you mean:")
    assert await stored_feedback(bot.services) == []


async def test_quick_feedback_refuses_viewers(bot: RunningBot, slack_requests: SlackRequests):
    message = await command(bot, slack_requests, "feedback SO-1001 late", user=VIEWER)

    assert "viewer access" in message["text"]
    assert await stored_feedback(bot.services) == []


async def test_card_shows_the_latest_feedback_with_edit_buttons(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    for text in ("oldest", "middle", "newest"):
        await services.feedback.log(FeedbackInput(text, external_id="SO-1001"), actor=REP)
        services.clock.advance(minutes=5)  # type: ignore[attr-defined]

    card = await command(bot, slack_requests, "SO-1001")

    texts = [
        b["text"]["text"]
        for b in card["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.FEEDBACK_EDIT_ACTION
    ]
    assert len(texts) == 2
    assert "newest" in texts[0] and "middle" in texts[1]


async def test_edit_opens_with_the_notes_values_and_saves_redrawing_the_card(
    bot: RunningBot, slack_requests: SlackRequests
):
    message = await command(bot, slack_requests, "feedback SO-1001 We will go elsewhere")
    view = await open_edit(bot, slack_requests, edit_buttons(message)[0])

    answer = await submit(
        bot, slack_requests, view, edit_state("negative", ("cancellation_threat",), LEAD)
    )

    assert answer == {}
    assert view["callback_id"] == ids.FEEDBACK_EDIT_MODAL
    [event] = await events(bot.services, EventKind.FEEDBACK_UPDATED)
    assert (event.old_value, event.new_value) == (
        "Sentiment not set · no tags",
        "Negative · Cancellation threat",
    )
    card = replies(bot)[-1]
    assert "Negative · Cancellation threat" in json.dumps(card["blocks"], ensure_ascii=False)
    assert bot.fake.last("chat.postMessage").args["channel"] == LEAD


async def test_edit_modal_starts_from_the_current_classification(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await services.feedback.log(
        FeedbackInput(
            "Lovely service",
            Sentiment.POSITIVE,
            frozenset({FeedbackTag.PRAISE}),
            external_id="SO-1001",
            follow_up_owner=LEAD,
        ),
        actor=REP,
    )
    card = await command(bot, slack_requests, "SO-1001")

    view = await open_edit(bot, slack_requests, edit_buttons(card)[0])

    sentiment, tags, owner = (block["element"] for block in view["blocks"])
    assert sentiment["initial_option"]["value"] == "positive"
    assert [o["value"] for o in tags["initial_options"]] == ["praise"]
    assert owner["initial_user"] == LEAD


async def test_edit_needs_a_sentiment(bot: RunningBot, slack_requests: SlackRequests):
    message = await command(bot, slack_requests, "feedback SO-1001 meh")
    view = await open_edit(bot, slack_requests, edit_buttons(message)[0])

    answer = await submit(bot, slack_requests, view, edit_state(None, ("other",)))

    assert answer == {
        "response_action": "errors",
        "errors": {"edit_sentiment": "Pick how the customer sounded."},
    }


async def test_edit_refuses_viewers(bot: RunningBot, slack_requests: SlackRequests):
    message = await command(bot, slack_requests, "feedback SO-1001 meh")
    button = edit_buttons(message)[0]

    await bot.send(
        slack_requests.block_actions(
            ids.FEEDBACK_EDIT_ACTION, value=button["value"], user_id=VIEWER
        )
    )
    await bot.settle()

    assert bot.fake.calls_to("views.open") == []
    assert "viewer access" in replies(bot)[-1]["text"]


async def test_history_shows_feedback_and_its_classification(
    bot: RunningBot, slack_requests: SlackRequests
):
    message = await command(bot, slack_requests, "feedback SO-1001 Where is it?")
    view = await open_edit(bot, slack_requests, edit_buttons(message)[0])
    await submit(bot, slack_requests, view, edit_state("neutral"))

    history = await command(bot, slack_requests, "history SO-1001")

    text = json.dumps(history["blocks"], ensure_ascii=False)
    assert "logged customer feedback" in text and "Where is it?" in text
    assert "classified customer feedback" in text and "Neutral · no tags" in text


async def test_card_with_the_largest_feedback_stays_within_slacks_limits(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    for n in range(2):
        text = f"{n} " + "<&>" * 13_000
        await services.feedback.log(
            FeedbackInput(
                text,
                Sentiment.NEGATIVE,
                frozenset(FeedbackTag),
                external_id="SO-1001",
                permalink="https://backlog-test.slack.com/archives/C111/p1700000000000200",
            ),
            actor=REP,
        )
    for n in range(3):
        await services.actions.add_note(
            "SO-1001", f"{n} " + "&" * 2_900, actor=REP, expected_version=None
        )

    card = await command(bot, slack_requests, "SO-1001")

    assert len(edit_buttons(card)) == 2
