"""Slack failing under a rep updating an ETA: 429, 500, timeouts, dropped connections.

Each test walks the whole path through the real app: the Update ETA button opens the modal
(views.open), the save redraws the card (response_url) and announces the slip in the order's
thread (chat.postMessage), and the alerts job's next run posts whatever Slack refused.
Every test checks what the rep sees, that the change is stored once and announced once, and
that the next attempt or run recovers with nobody stepping in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.bootstrap.slack_app import RATE_LIMIT_RETRIES
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from storage.alerts.tables import AlertStatus
from tests.kit.alerts import alerts_of, run_alert_job, thread_lines
from tests.kit.card import REP, button, card, eta_state, events, open_modal, submit
from tests.kit.common import FixedClock, configure_roles_and_teams, order_row, seed_orders
from tests.kit.running_bot import RunningBot, running_bot

NEW_ETA = "2026-11-27"
BUSY = "Slack did not take that request just now"
TIMEOUT = 2  # SLACK_TIMEOUT_SECONDS of the timeout test: short, yet far above a loaded answer


@pytest.fixture
async def seeded(services: Services, tmp_path: Path) -> Services:
    """SO-1001 of team emea (channel C0EMEA), owned by REP, due 2026-11-25."""
    configure_roles_and_teams(services, teams={"emea": "C0EMEA"})
    await seed_orders(
        services, tmp_path, [order_row(team="emea", owner=REP, promised_date="2026-11-25")]
    )
    return services


@pytest.fixture
async def bot(seeded: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    async with running_bot(seeded, fake_slack) as running:
        yield running


async def click_update_eta(bot: RunningBot, requests: SlackRequests) -> int:
    """Click Update ETA on a fresh card; the HTTP status the bot answered Slack with."""
    value = button(await card(bot, requests), ids.ETA_ACTION)["value"]
    response = await bot.send(requests.block_actions(ids.ETA_ACTION, value=value, user_id=REP))
    return response.status_code


def notices(fake: FakeSlack) -> list[str]:
    """Ephemeral replies that said Slack was unavailable."""
    texts = [str(call.args.get("text", "")) for call in fake.calls_to("response_url")]
    return [text for text in texts if text.startswith(BUSY)]


def redraws(fake: FakeSlack) -> list[str]:
    """Card redraws sent to response_url (whether Slack took them or not)."""
    calls = fake.calls_to("response_url")
    return [str(call.args["text"]) for call in calls if call.args.get("replace_original")]


async def test_slack_rate_limits_delay_the_modal_and_the_thread_line_but_lose_nothing(
    bot: RunningBot, slack_requests: SlackRequests, clock: FixedClock
):
    bot.fake.rate_limit_next("views.open", retry_after=1)
    bot.fake.rate_limit_next("chat.postMessage", retry_after=0, times=RATE_LIMIT_RETRIES + 1)

    view = await open_modal(bot, slack_requests, ids.ETA_ACTION, user=REP)
    answer = await submit(bot, slack_requests, view, eta_state(NEW_ETA))
    [postponed] = await alerts_of(bot.services)
    clock.advance(minutes=1)
    await run_alert_job(bot.services, bot.fake)

    assert len(bot.fake.calls_to("views.open")) == 2  # 429, then the modal after Retry-After
    assert answer == {}  # the modal closed
    assert len(redraws(bot.fake)) == 1
    assert (postponed.status, postponed.detail) == (
        AlertStatus.CLAIMED,
        "Slack answered 429 ratelimited",
    )
    assert len(await events(bot.services, "eta_changed")) == 1
    [line] = thread_lines(bot.fake)
    assert line.args["text"].startswith(f"ETA slipped 2 days to {NEW_ETA}")
    assert [a.status for a in await alerts_of(bot.services)] == [AlertStatus.POSTED]


async def test_slack_server_errors_get_a_notice_and_the_next_run_posts_the_line(
    bot: RunningBot, slack_requests: SlackRequests, clock: FixedClock
):
    bot.fake.http_error_next("views.open", status=500)
    bot.fake.http_error_next("chat.postMessage", status=500)

    refused = await click_update_eta(bot, slack_requests)
    view = await open_modal(bot, slack_requests, ids.ETA_ACTION, user=REP)  # clicked again
    answer = await submit(bot, slack_requests, view, eta_state(NEW_ETA))
    [postponed] = await alerts_of(bot.services)
    clock.advance(minutes=1)
    await run_alert_job(bot.services, bot.fake)

    assert refused == 200  # a notice instead of Slack's bare "something went wrong"
    assert notices(bot.fake) == [
        f"{BUSY} (Slack answered 500 fatal_error), so it did not go through."
        " Please try again in a moment."
    ]
    assert answer == {}
    assert (postponed.status, postponed.detail) == (
        AlertStatus.CLAIMED,
        "Slack answered 500 fatal_error",
    )
    assert len(await events(bot.services, "eta_changed")) == 1
    assert len(thread_lines(bot.fake)) == 1
    assert [a.status for a in await alerts_of(bot.services)] == [AlertStatus.POSTED]


async def test_slack_timeouts_give_up_after_the_timeout_and_the_saved_change_still_shows(
    seeded: Services, fake_slack: FakeSlack, slack_requests: SlackRequests
):
    fake_slack.slow_next("views.open", seconds=TIMEOUT + 3)

    async with running_bot(seeded, fake_slack, SLACK_TIMEOUT_SECONDS=str(TIMEOUT)) as bot:
        refused = await click_update_eta(bot, slack_requests)
        view = await open_modal(bot, slack_requests, ids.ETA_ACTION, user=REP)  # clicked again
        fake_slack.slow_next("response_url", seconds=TIMEOUT + 3)  # the card's redraw
        answer = await submit(bot, slack_requests, view, eta_state(NEW_ETA))
        looked_up = await card(bot, slack_requests)

    assert refused == 200
    assert notices(bot.fake) == [
        f"{BUSY} (Slack did not answer in time), so it did not go through."
        " Please try again in a moment."
    ]
    assert answer == {}
    assert len(redraws(bot.fake)) == 1  # timed out, not retried: the slip line still went out
    assert len(await events(bot.services, "eta_changed")) == 1
    assert len(thread_lines(bot.fake)) == 1
    assert [a.status for a in await alerts_of(bot.services)] == [AlertStatus.POSTED]
    assert NEW_ETA in looked_up["text"]


async def test_slack_connection_resets_are_retried_once_then_left_to_the_next_run(
    bot: RunningBot, slack_requests: SlackRequests, clock: FixedClock
):
    bot.fake.reset_next("views.open")  # once: slack_sdk retries a dropped connection once
    bot.fake.reset_next("response_url", times=2)  # the card's redraw: past that retry
    bot.fake.reset_next("chat.postMessage", times=2)  # the slip's thread: past that retry

    view = await open_modal(bot, slack_requests, ids.ETA_ACTION, user=REP)
    answer = await submit(bot, slack_requests, view, eta_state(NEW_ETA))
    [postponed] = await alerts_of(bot.services)
    clock.advance(minutes=1)
    await run_alert_job(bot.services, bot.fake)

    assert len(bot.fake.calls_to("views.open")) == 2
    assert notices(bot.fake) == []
    assert answer == {}
    assert len(redraws(bot.fake)) == 2
    assert postponed.status == AlertStatus.CLAIMED
    assert str(postponed.detail).startswith("Slack unreachable: ")
    assert len(await events(bot.services, "eta_changed")) == 1
    assert len(thread_lines(bot.fake)) == 1
    assert [a.status for a in await alerts_of(bot.services)] == [AlertStatus.POSTED]
