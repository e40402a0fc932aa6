"""`/backlog digest ...` and the subscription modal over signed requests and the fake Slack."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.blocks.digests.subscription_fields import (
    AGING_AFTER,
    CHANNEL,
    DAYS,
    GRACE,
    GROUPING,
    KINDS,
    MAX_ROWS,
    MIN_AGE,
    PREVIEW,
    STALE_AFTER,
    STATUSES,
    TIMES,
    ZONE,
)  # fmt: skip
from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.sandbox.signing import SlackRequests
from storage.digests import subscriptions as digest_subscriptions
from storage.digests.tables import DigestSubscription
from tests.kit.digest_modal import (
    CHANNEL as DIGEST_CHANNEL,
)
from tests.kit.digest_modal import (
    LEAD,
    OTHER,
    REP,
    VIEWER,
    command,
    conversation,
    number,
    opened_view,
    picked,
    replies,
    reply_texts,
    state_of,
    submit,
    text,
)  # fmt: skip
from tests.kit.digests import add_orders, add_subscription, main_posts, overdue
from tests.kit.running_bot import RunningBot


async def stored(services: Services) -> list[DigestSubscription]:
    async with services.sessions() as session:
        return await digest_subscriptions.all_subscriptions(session)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    assert len(found) == 1, f"{block_id} appears {len(found)} times"
    return found[0]


async def open_add(bot: RunningBot, requests: SlackRequests, user: str = REP) -> dict[str, Any]:
    await command(bot, requests, "digest add", user)
    return opened_view(bot)


async def test_digest_add_opens_the_modal_in_the_users_zone_for_this_channel(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue("SO-1"), overdue("SO-2")])

    view = await open_add(bot, slack_requests)

    assert bot.fake.last("users.info").args["user"] == REP
    assert view["callback_id"] == ids.DIGEST_MODAL
    assert block(view, ZONE)["element"]["initial_value"] == "America/New_York"
    assert block(view, CHANNEL)["element"]["initial_conversation"] == DIGEST_CHANNEL
    assert [o["value"] for o in block(view, DAYS)["element"]["initial_options"]] == [
        "mon", "tue", "wed", "thu", "fri",
    ]  # fmt: skip
    # Tuesday 2026-11-24 09:00 UTC is 04:00 in New York: 09:00 today, then Wed and Thu.
    assert "*Next runs:* Tue 24 Nov 09:00, Wed 25 Nov 09:00, Thu 26 Nov 09:00" in json.dumps(
        view, ensure_ascii=False
    )
    updated = bot.fake.last("views.update").args
    assert "*Right now:* 2 lagging orders; the digest would list 2." in json.dumps(updated["view"])


async def test_refresh_preview_reads_the_modal_as_typed(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_add(bot, slack_requests)
    state = state_of(view, **{TIMES: text("07:15"), ZONE: text("Europe/Berlin")})
    shown = {**view, "id": "V0000000042", "hash": "h1", "state": {"values": state}}

    await bot.send(
        slack_requests.block_actions(ids.DIGEST_PREVIEW_ACTION, view=shown, block_id=PREVIEW)
    )
    await bot.settle()

    update = bot.fake.last("views.update").args
    assert (update["view_id"], update["hash"]) == ("V0000000042", "h1")
    preview = block(update["view"], PREVIEW)["text"]["text"]
    assert preview.startswith("*Next runs:* Wed 25 Nov 07:15, Thu 26 Nov 07:15, Fri 27 Nov 07:15")
    assert block(update["view"], TIMES)["element"]["initial_value"] == "07:15"


async def test_refresh_preview_of_a_bad_schedule_says_what_to_fix(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await open_add(bot, slack_requests)
    state = state_of(view, **{TIMES: text("7pm")})
    shown = {**view, "id": "V0000000042", "hash": "h1", "state": {"values": state}}

    await bot.send(slack_requests.block_actions(ids.DIGEST_PREVIEW_ACTION, view=shown))
    await bot.settle()

    preview = block(bot.fake.last("views.update").args["view"], PREVIEW)["text"]["text"]
    assert preview == (
        ":warning: Fix these to see the next runs and a count: "
        "'7pm' is not a time; use 24-hour HH:MM, like 08:30"
    )


async def test_saving_the_modal_creates_the_subscription_and_shows_where_and_when(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    view = await open_add(bot, slack_requests)
    state = state_of(view, **{TIMES: text("16:00, 08:30"), ZONE: text("Europe/Berlin")})

    answer = await submit(bot, slack_requests, view, state)

    [sub] = await stored(services)
    assert (sub.channel_id, sub.days, sub.times, sub.zone) == (
        DIGEST_CHANNEL, "mon-fri", "08:30,16:00", "Europe/Berlin",
    )  # fmt: skip
    assert (sub.created_by, sub.max_rows, sub.grouping, sub.kinds) == (
        REP, 50, "owner", ["overdue", "slipped", "stale", "no_eta", "not_told", "aging"],
    )  # fmt: skip
    assert answer["response_action"] == "update"
    saved = json.dumps(answer["view"], ensure_ascii=False)
    assert f"Digest *#{sub.id}* posts to <#{DIGEST_CHANNEL}> Mon–Fri at 08:30 and 16:00" in saved
    assert "Next runs: Tue 24 Nov 16:00, Wed 25 Nov 08:30, Wed 25 Nov 16:00." in saved


@pytest.mark.parametrize(
    ("block_id", "element", "message"),
    [
        (CHANNEL, conversation(None), "Pick the channel the digest goes to."),
        (DAYS, picked(), "Pick at least one day of the week."),
        (TIMES, text(None), "Give at least one time, like 08:30 or 08:30, 16:00."),
        (TIMES, text("8h30"), "'8h30' is not a time; use 24-hour HH:MM, like 08:30"),
        (TIMES, text("09:00, 09:00"), "09:00 is listed twice."),
        (ZONE, text("CET+1"), "'CET+1' is not an IANA time zone; use a name like Europe/Berlin"),
        (KINDS, picked(), "Pick at least one reason an order counts as lagging."),
        (MIN_AGE, number("-2"), "Minimum age must be a whole number from 0 to 365."),
        (MAX_ROWS, number("5000"), "Max rows must be a whole number from 1 to 2000."),
        (STALE_AFTER, number("0"), "Stale after must be a whole number from 1 to 365."),
        (AGING_AFTER, number("1.5"), "'1.5' is not a whole number."),
        (GRACE, number("2000"), "Late delivery must be from 1 to 1440 minutes."),
        (
            GROUPING,
            {"type": "static_select", "selected_option": {"value": "team"}},
            "Group by owner, supplier, customer or none.",
        ),
        (
            STATUSES,
            {"type": "multi_static_select", "selected_options": [{"value": "filled"}]},
            "filled: a digest lists open orders only",
        ),
    ],
)
async def test_every_modal_field_error_shows_under_its_field(
    bot: RunningBot, slack_requests: SlackRequests, services: Services,
    block_id: str, element: dict[str, Any], message: str,
):  # fmt: skip
    view = await open_add(bot, slack_requests)

    answer = await submit(bot, slack_requests, view, state_of(view, **{block_id: element}))

    assert answer == {"response_action": "errors", "errors": {block_id: message}}
    assert await stored(services) == []


async def test_a_rep_outside_the_channel_may_not_add_a_digest_there(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    view = await open_add(bot, slack_requests, user=OTHER)

    answer = await submit(bot, slack_requests, view, state_of(view), user=OTHER)

    assert answer["errors"] == {
        CHANNEL: "Only admins can change digests of channels they are not a member of; "
        "you have rep access. Ask an admin (BACKLOG_ADMINS) to add you."
    }
    assert bot.fake.last("conversations.members").args["channel"] == DIGEST_CHANNEL
    assert await stored(services) == []


@pytest.mark.parametrize(("user", "saved"), [(LEAD, True), (REP, True), (VIEWER, False)])
async def test_admins_may_add_anywhere_members_in_their_channel_viewers_nowhere(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, user: str, saved: bool
):
    view = await open_add(bot, slack_requests, user=user)

    answer = await submit(bot, slack_requests, view, state_of(view), user=user)

    assert (answer.get("response_action") == "update") is saved
    assert len(await stored(services)) == (1 if saved else 0)


async def test_digest_list_shows_next_run_last_success_and_last_error(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_subscription(
        services, times="08:30", zone="Europe/Berlin", last_error="not_in_channel",
        last_error_at=services.clock(), filters={"team": "emea"}, kinds=["overdue"],
    )  # fmt: skip
    await add_subscription(services, paused=True)

    await command(bot, slack_requests, "digest list")

    [listing] = replies(bot)
    body = json.dumps(listing["blocks"], ensure_ascii=False)
    assert (
        listing["text"]
        == f"Digest subscriptions: 2: #1 to <#{DIGEST_CHANNEL}>; #2 to <#{DIGEST_CHANNEL}>"
    )
    assert "*#1* to <#C0DIGEST> · Every day at 08:30 (Europe/Berlin)" in body
    assert "team emea · Overdue · by owner · up to 200 rows" in body
    assert "Next: Wed 25 Nov 08:30 Europe/Berlin · Last success: never" in body
    assert ":warning: Failing since Tue 24 Nov 10:00 Europe/Berlin: `not_in_channel`" in body
    assert ":double_vertical_bar: Paused" in body


async def test_digest_pause_resume_and_remove_change_it_and_show_the_list_again(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    sub = await add_subscription(services)

    await command(bot, slack_requests, f"digest pause {sub.id}")
    paused = (await stored(services))[0].paused
    await command(bot, slack_requests, f"digest resume {sub.id}")
    resumed = (await stored(services))[0].paused
    await command(bot, slack_requests, f"digest remove {sub.id}")

    assert (paused, resumed) == (True, False)
    assert await stored(services) == []
    notices = [r["blocks"][1]["elements"][0]["text"] for r in replies(bot)]
    assert notices == [
        f"Digest #{sub.id} paused.",
        f"Digest #{sub.id} resumed.",
        f"Digest #{sub.id} removed.",
    ]


async def test_only_admins_change_a_digest_of_a_channel_they_are_not_in(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    sub = await add_subscription(services)

    await command(bot, slack_requests, f"digest pause {sub.id}", user=OTHER)
    await command(bot, slack_requests, f"digest remove {sub.id}", user=LEAD)

    assert reply_texts(bot)[0].startswith("Only admins can change digests of channels")
    assert await stored(services) == []


async def test_digest_test_posts_a_marked_digest_and_says_so(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue("SO-1")])
    sub = await add_subscription(services)

    await command(bot, slack_requests, f"digest test {sub.id}")

    [post] = main_posts(bot.fake)
    assert post.args["text"].startswith("[TEST] Lagging orders: 1 lagging")
    assert reply_texts(bot) == [
        f"Posting a test of digest #{sub.id} to <#{DIGEST_CHANNEL}>…",
        f"Test digest posted to <#{DIGEST_CHANNEL}>.",
    ]


async def test_digest_test_refused_by_slack_explains_the_fix_to_the_asker(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    sub = await add_subscription(services)
    bot.fake.fail_next("chat.postMessage", error="not_in_channel")

    await command(bot, slack_requests, f"digest test {sub.id}")

    assert "I am not a member of <#C0DIGEST>. Invite me there" in reply_texts(bot)[-1]
    assert bot.fake.calls_to("conversations.open") == []  # the asker is told, not DMed


async def test_digest_edit_opens_the_modal_filled_in_and_saving_updates_it(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    sub = await add_subscription(services, times="08:30,16:00", zone="Europe/Berlin", max_rows=75)

    await command(bot, slack_requests, f"digest edit {sub.id}")
    view = opened_view(bot)
    answer = await submit(bot, slack_requests, view, state_of(view, **{MAX_ROWS: number("20")}))

    assert block(view, TIMES)["element"]["initial_value"] == "08:30, 16:00"
    assert block(view, MAX_ROWS)["element"]["initial_value"] == "75"
    assert answer["response_action"] == "update"
    [updated] = await stored(services)
    assert (updated.id, updated.max_rows, updated.created_by) == (sub.id, 20, "U0LEAD01")


async def test_unknown_digest_subcommand_answers_with_usage(
    bot: RunningBot, slack_requests: SlackRequests
):
    answer = await command(bot, slack_requests, "digest frobnicate 3")

    assert answer["text"] == (
        "I don't know `/backlog digest frobnicate 3`. Usage: /backlog digest add | list | "
        "edit ID | pause ID | resume ID | remove ID | test ID"
    )


async def test_digest_of_an_unknown_id_says_so(bot: RunningBot, slack_requests: SlackRequests):
    await command(bot, slack_requests, "digest pause 99")

    assert reply_texts(bot) == ["No digest subscription #99."]


async def test_list_buttons_pause_and_remove_in_place(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    sub = await add_subscription(services)

    await bot.send(
        slack_requests.block_actions(ids.DIGEST_PAUSE_ACTION, f"{sub.id}:pause", user_id=REP)
    )
    await bot.settle()
    await bot.send(slack_requests.block_actions(ids.DIGEST_REMOVE_ACTION, str(sub.id), user_id=REP))
    await bot.settle()

    assert [r.get("replace_original") for r in replies(bot)] == [True, True]
    assert await stored(services) == []
