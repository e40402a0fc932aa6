"""`/backlog feedback report` and the weekly report's subscribe / unsubscribe, over HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.bootstrap.container import Services
from bot.sandbox.signing import SlackRequests
from bot.services.feedback.entries import FeedbackInput
from storage.feedback.tables import FeedbackTag, Sentiment
from tests.kit.common import checked_message, order_row, seed_orders
from tests.kit.feedback import REP, VIEWER
from tests.kit.running_bot import RunningBot


async def command(
    bot: RunningBot, requests: SlackRequests, text: str, user: str = REP, channel: str = "C111"
) -> dict[str, Any]:
    response = await bot.send(requests.slash_command(text, user_id=user, channel_id=channel))
    assert response.status_code == 200
    return checked_message(response.json())


async def log(services: Services, text: str, *tags: FeedbackTag, order: str = "SO-1001") -> None:
    given = FeedbackInput(text, Sentiment.NEGATIVE, frozenset(tags), external_id=order)
    await services.feedback.log(given, actor=REP)
    services.clock.advance(minutes=2)  # type: ignore[attr-defined]


async def test_report_shows_counts_changes_hot_spots_threats_and_latest_notes(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await log(services, "Why so late?", FeedbackTag.DELAY_COMPLAINT)
    await log(services, "Cancel if not Friday", FeedbackTag.CANCELLATION_THREAT)

    message = await command(bot, slack_requests, "feedback report")

    text = json.dumps(message["blocks"], ensure_ascii=False)
    assert message["text"].startswith("Customer feedback · last 7 days: 2 notes (+2 on the 7 days")
    assert "*Negative*\\n2 (+2, was 0)" in text
    assert "Suppliers: Globex (1)" in text
    assert "*SO-1001* · Acme Hospital — “Cancel if not Friday”" in text
    assert "*Latest · Delay complaint*" in text


async def test_report_for_a_team_and_a_longer_period(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await log(services, "Slow", FeedbackTag.DELAY_COMPLAINT)
    await log(services, "Slow too", FeedbackTag.DELAY_COMPLAINT, order="SO-1002")

    message = await command(bot, slack_requests, "feedback report 30d team:EMEA")

    assert message["text"].startswith("Customer feedback · last 30 days · team EMEA: 1 notes")


async def test_report_without_feedback_says_so(bot: RunningBot, slack_requests: SlackRequests):
    message = await command(bot, slack_requests, "feedback report 90d")

    assert "No customer feedback was logged" in json.dumps(message["blocks"])


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("14d", "Pick a period of 7d, 30d, 90d."),
        ("weekly", "`weekly` is neither a period (7d, 30d, 90d) nor team:X."),
        ('team:"emea', "Unbalanced quotes"),
    ],
)
async def test_report_answers_bad_arguments_with_the_usage(
    bot: RunningBot, slack_requests: SlackRequests, args: str, problem: str
):
    message = await command(bot, slack_requests, f"feedback report {args}")

    assert problem in message["text"]
    assert "/backlog feedback report [7d|30d|90d] [team:X]" in message["text"]


async def test_report_of_a_busy_week_stays_within_slacks_limits(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, tmp_path: Any
):
    rows = [
        order_row(order_id=f"SO-2{n:03d}", customer="<&>" * 40, supplier="&" * 200, sku=f"S{n}")
        for n in range(20)
    ]
    await seed_orders(services, tmp_path, rows)
    for n in range(20):
        await log(services, f"{n} " + "<&>" * 3000, *FeedbackTag, order=f"SO-2{n:03d}")

    message = await command(bot, slack_requests, "feedback report")

    text = json.dumps(message["blocks"], ensure_ascii=False)
    assert len(message["blocks"]) <= 50
    assert "…and 1" in text  # threats that did not fit are counted, not dropped silently
    assert "more sections did not fit in one message." in text


async def test_subscribe_defaults_to_monday_nine_in_the_channel_named(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    message = await command(bot, slack_requests, "feedback subscribe <#C0LEADS|cs-leads>")

    assert message["text"] == (
        "<#C0LEADS> gets the customer feedback report Mon at 09:00 (UTC), covering the 7 days"
        " before. First one: 2026-11-30 09:00."
    )
    assert await services.feedback_digests.due() == []  # nothing due before Monday


async def test_subscribe_with_day_time_and_team_here(
    bot: RunningBot, slack_requests: SlackRequests
):
    message = await command(
        bot, slack_requests, "feedback subscribe fri 16:30 team:emea", channel="C0EMEA"
    )

    assert message["text"].startswith(
        "<#C0EMEA> gets the customer feedback report for team emea Fri at 16:30 (UTC)"
    )
    assert message["text"].endswith("First one: 2026-11-27 16:30.")


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("<#C0LEADS> mon-fri", "Pick one day of the week"),
        ("<#C0LEADS> someday", "'someday' is not a day"),
        ("<#C0LEADS> 25:00", "'25:00' is not a time"),
        ("<#C0LEADS> mon tue", "`tue` is not a channel, day, HH:MM time or team:X."),
    ],
)
async def test_subscribe_answers_bad_schedules_with_the_usage(
    bot: RunningBot, slack_requests: SlackRequests, args: str, problem: str
):
    message = await command(bot, slack_requests, f"feedback subscribe {args}")

    assert problem in message["text"]
    assert "/backlog feedback subscribe #channel" in message["text"]


async def test_subscribe_from_a_dm_needs_a_channel(bot: RunningBot, slack_requests: SlackRequests):
    message = await command(bot, slack_requests, "feedback subscribe", channel="D0DM")

    assert "Name the channel" in message["text"]


async def test_subscribe_refuses_viewers(bot: RunningBot, slack_requests: SlackRequests):
    message = await command(bot, slack_requests, "feedback subscribe <#C0LEADS>", user=VIEWER)

    assert "viewer access" in message["text"]


async def test_unsubscribe_stops_the_report_and_says_when_there_was_none(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await command(bot, slack_requests, "feedback subscribe <#C0LEADS>")

    stopped = await command(bot, slack_requests, "feedback unsubscribe <#C0LEADS|cs-leads>")
    again = await command(bot, slack_requests, "feedback unsubscribe <#C0LEADS>")

    assert stopped["text"] == "<#C0LEADS> no longer gets the weekly customer feedback report."
    assert again["text"] == "<#C0LEADS> has no weekly customer feedback report to stop."
    services.clock.advance(days=6)  # type: ignore[attr-defined]
    assert await services.feedback_digests.due() == []


async def test_help_lists_the_feedback_subcommand(bot: RunningBot, slack_requests: SlackRequests):
    message = await command(bot, slack_requests, "help")

    assert "/backlog feedback ORDER_ID TEXT: Log a customer's words on an order" in message["text"]
    assert "feedback report [7d|30d|90d] [team:X]" in message["text"]
