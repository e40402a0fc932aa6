"""A posted digest's buttons: each row's menu opens the card's modals; "Post all in thread"."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.bootstrap.container import Services
from bot.delivery.digests.digest_posts import DigestSender
from bot.jobs.digests.slot_jobs import DigestJobs
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from storage.orders.tables import EventKind
from tests.kit.card import events
from tests.kit.digest_modal import CHANNEL, REP, VIEWER, replies
from tests.kit.digests import add_orders, add_subscription, overdue, posts_to, slack_client
from tests.kit.pace import VirtualTime
from tests.kit.running_bot import RunningBot, running_bot


async def posted_digest(bot: RunningBot, services: Services, **subscription: Any) -> dict[str, Any]:
    sub = await add_subscription(services, **subscription)
    await DigestJobs(services, slack_client(bot.fake)).run_due(sub.id or 0)
    args: dict[str, Any] = posts_to(bot.fake, CHANNEL)[0].args
    return args


def option(message: dict[str, Any], external_id: str, label: str) -> str:
    for block in message["blocks"]:
        accessory = block.get("accessory") or {}
        if external_id in block.get("text", {}).get("text", "") and accessory.get("options"):
            [value] = [o["value"] for o in accessory["options"] if o["text"]["text"] == label]
            return str(value)
    raise AssertionError(f"no row for {external_id}")


async def pick(bot: RunningBot, requests: SlackRequests, value: str, user: str = REP) -> None:
    chosen = {"text": {"type": "plain_text", "text": "option"}, "value": value}
    request = requests.block_actions(
        ids.DIGEST_ROW_ACTION, user_id=user, channel_id=CHANNEL, block_id="digest_row:1",
        action={"type": "overflow", "selected_option": chosen},
    )  # fmt: skip
    response = await bot.send(request)
    assert response.status_code == 200
    await bot.settle()


async def test_update_eta_from_a_digest_row_opens_the_cards_eta_modal_without_redrawing_it(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue("SO-1", customer="Acme Hospital")])
    digest = await posted_digest(bot, services)

    await pick(bot, slack_requests, option(digest, "SO-1", "Update ETA…"))

    view = bot.fake.last("views.open").args["view"]
    assert view["callback_id"] == ids.ETA_MODAL
    assert "*SO-1* · Acme Hospital" in json.dumps(view, ensure_ascii=False)
    context = ModalContext.decode(view["private_metadata"])
    assert (context.external_id, context.version, context.response_url) == ("SO-1", 1, None)
    assert context.channel_id == CHANNEL


async def test_saving_the_eta_from_a_digest_records_it_and_leaves_the_digest_alone(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue("SO-1")])
    digest = await posted_digest(bot, services)
    await pick(bot, slack_requests, option(digest, "SO-1", "Update ETA…"))
    view = bot.fake.last("views.open").args["view"]
    reason = {"type": "static_select", "selected_option": {"value": "supplier_delay"}}
    state = {
        "eta_date": {"value": {"type": "datepicker", "selected_date": "2026-12-04"}},
        "eta_reason": {"value": reason},
    }

    response = await bot.send(
        slack_requests.view_submission(
            view["callback_id"], state, view["private_metadata"], user_id=REP
        )
    )
    await bot.settle()

    assert response.status_code == 200
    assert [e.new_value for e in await events(services, EventKind.ETA_CHANGED)] == ["2026-12-04"]
    assert replies(bot) == []  # no response_url: the digest message is not replaced by a card


async def test_log_contact_and_snooze_open_the_same_modals_as_the_card(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue("SO-1")])
    digest = await posted_digest(bot, services)

    await pick(bot, slack_requests, option(digest, "SO-1", "Log contact…"))
    contact = bot.fake.last("views.open").args["view"]["callback_id"]
    await pick(bot, slack_requests, option(digest, "SO-1", "Snooze…"))
    snooze = bot.fake.last("views.open").args["view"]["callback_id"]

    assert (contact, snooze) == (ids.CONTACT_MODAL, ids.SNOOZE_MODAL)


async def test_open_card_shows_the_order_card_to_the_clicker_only(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue("SO-1")])
    digest = await posted_digest(bot, services)

    await pick(bot, slack_requests, option(digest, "SO-1", "Open card"), user=VIEWER)

    [card] = replies(bot)
    assert (card["response_type"], card["replace_original"]) == ("ephemeral", False)
    assert card["text"].startswith("Order SO-1 for Acme Hospital")


async def test_viewers_cannot_change_orders_from_a_digest(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue("SO-1")])
    digest = await posted_digest(bot, services)

    await pick(bot, slack_requests, option(digest, "SO-1", "Update ETA…"), user=VIEWER)

    assert bot.fake.calls_to("views.open") == []
    assert replies(bot)[0]["text"].startswith("Only reps and admins can change orders")


async def test_post_all_in_thread_lists_every_lagging_order_in_the_digests_thread(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue(f"SO-{n:03d}") for n in range(40)])
    digest = await posted_digest(bot, services, max_rows=5)
    ts = "1700000000.000100"  # the digest message
    [more] = [b for b in digest["blocks"] if b.get("block_id") == ids.DIGEST_SHOW_ALL_BLOCK]

    await bot.send(
        slack_requests.block_actions(
            ids.DIGEST_SHOW_ALL_ACTION, more["accessory"]["value"], user_id=REP,
            channel_id=CHANNEL, message_ts=ts, block_id=ids.DIGEST_SHOW_ALL_BLOCK,
        )
    )  # fmt: skip
    await bot.settle()

    thread = [c.args for c in posts_to(bot.fake, CHANNEL) if c.args.get("thread_ts") == ts]
    rows = [
        b["block_id"] for message in thread for b in message["blocks"]
        if b.get("block_id", "").startswith(ids.DIGEST_ROW_BLOCK)
    ]  # fmt: skip
    assert len(rows) == len(set(rows)) == 40
    assert "*+35 more*" in json.dumps(digest["blocks"])


async def post_all(bot: RunningBot, requests: SlackRequests, digest: dict[str, Any]) -> list[str]:
    """Click the digest's "Post all in thread"; the thread's messages, as JSON."""
    ts = "1700000000.000100"  # the digest message
    [more] = [b for b in digest["blocks"] if b.get("block_id") == ids.DIGEST_SHOW_ALL_BLOCK]
    await bot.send(
        requests.block_actions(
            ids.DIGEST_SHOW_ALL_ACTION, more["accessory"]["value"], user_id=REP,
            channel_id=CHANNEL, message_ts=ts, block_id=ids.DIGEST_SHOW_ALL_BLOCK,
        )
    )  # fmt: skip
    await bot.settle()
    thread = [c.args for c in posts_to(bot.fake, CHANNEL) if c.args.get("thread_ts") == ts]
    return [json.dumps(message) for message in thread]


async def test_post_all_under_a_scheduled_digest_posts_only_rows_marked_as_its_continuation(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue(f"SO-{n:03d}") for n in range(40)])
    digest = await posted_digest(bot, services, max_rows=5)

    thread = await post_all(bot, slack_requests, digest)

    assert thread
    for message in thread:
        assert "TEST" not in message and "test digest" not in message
        assert "new since the last digest" not in message and 'lagging"' not in message
        assert "continued from the digest above" in message
    assert json.loads(thread[0])["text"].startswith("Lagging orders, continued")


async def test_post_all_under_a_test_digest_stays_marked_as_a_test(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    await add_orders(services, [overdue(f"SO-{n:03d}") for n in range(40)])
    sub = await add_subscription(services, max_rows=5)
    delivery = await services.digests.deliveries.preview(sub.id or 0)
    assert delivery is not None
    await DigestSender(services.digests.deliveries, slack_client(bot.fake), UTC).send(delivery)
    digest: dict[str, Any] = posts_to(bot.fake, CHANNEL)[0].args

    thread = await post_all(bot, slack_requests, digest)

    assert thread
    assert all("[TEST] Lagging orders, continued" in message for message in thread)
    assert all("new since the last digest" not in message for message in thread)


async def test_post_all_of_340_rows_keeps_slacks_pace_in_the_channel(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, fake_slack: FakeSlack
):
    await add_orders(services, [overdue(f"SO-{n:04d}") for n in range(340)])
    digest = await posted_digest(bot, services, max_rows=5)
    time = VirtualTime()
    fake_slack.pace_channels(clock=time.clock)

    async with running_bot(services, fake_slack, pacer=time.pacer()) as paced_bot:
        thread = await post_all(paced_bot, slack_requests, digest)

    assert [c for c in fake_slack.calls_to("chat.postMessage") if c.refused] == []
    rows = [b["block_id"] for m in thread for b in json.loads(m)["blocks"] if "block_id" in b]
    assert len([r for r in rows if r.startswith(ids.DIGEST_ROW_BLOCK)]) == 340
