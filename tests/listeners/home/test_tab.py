"""The App Home through signed requests and the fake Slack: publish, filter, page, card actions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.blocks.home.view import HomeState
from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.menu import MenuChoice, OrderRef
from bot.bootstrap.container import Services
from bot.sandbox.limits import check_view
from bot.sandbox.payloads import modal_view
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from bot.services.home.dashboard import HomeFilter, HomeList
from bot.services.orders.lagging import LagKind
from tests.kit.card import eta_state
from tests.kit.common import configure_roles_and_teams
from tests.kit.home import LEAD, OVERDUE, REP, SLIPPED, VIEWER, add_orders, add_subscription
from tests.kit.running_bot import RunningBot, running_bot
from tests.services.conftest import load_order

CARD_VIEW = "VCARD000001"


@pytest.fixture
async def bot(services: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    configure_roles_and_teams(
        services, viewers=frozenset({VIEWER}), admins=frozenset({LEAD}), teams={"emea": "C0EMEA"}
    )
    await add_orders(
        services,
        {"SO-LATE": OVERDUE | {"team": "emea"}, "SO-SLIP": SLIPPED | {"team": "apac"}},
    )
    async with running_bot(services, fake_slack) as running:
        yield running


async def send(bot: RunningBot, request: Any) -> None:
    response = await bot.send(request)
    assert response.status_code == 200
    await bot.settle()


def published(bot: RunningBot, user: str = REP) -> dict[str, Any]:
    call = bot.fake.last("views.publish")
    view: dict[str, Any] = call.args["view"]
    assert call.args["user_id"] == user
    assert check_view(view) is None
    return view


def text_of(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def rows(view: dict[str, Any]) -> list[str]:
    """Order ids of the Open buttons, top to bottom."""
    return [
        block["accessory"]["value"]
        for block in view["blocks"]
        if block.get("accessory", {}).get("action_id") == ids.HOME_OPEN_ACTION
    ]


def lagging_rows(view: dict[str, Any]) -> list[str]:
    """Order ids of the lagging list: the rows before the next list's title."""
    found, inside = [], False
    for block in view["blocks"]:
        accessory = block.get("accessory") or {}
        if block["type"] == "section" and not accessory and "text" in block:
            inside = block["text"]["text"].startswith("*My lagging orders*")
        if inside and accessory.get("action_id") == ids.HOME_OPEN_ACTION:
            found.append(accessory["value"])
    return found


def element(view: dict[str, Any], action_id: str, block_id: str | None = None) -> dict[str, Any]:
    for block in view["blocks"]:
        if block_id and block.get("block_id") != block_id:
            continue
        for found in [*block.get("elements", []), block.get("accessory") or {}]:
            if found.get("action_id") == action_id:
                return dict(found)
    raise AssertionError(f"no {action_id}")


async def open_home(
    bot: RunningBot, requests: SlackRequests, user: str = REP, state: str | None = None
) -> dict[str, Any]:
    await send(bot, requests.app_home_opened(user_id=user, private_metadata=state))
    return published(bot, user)


async def click_in_home(
    bot: RunningBot,
    requests: SlackRequests,
    home: dict[str, Any],
    action_id: str,
    user: str = REP,
    **fields: Any,
) -> None:
    view = requests.home_view(home["private_metadata"], blocks=home["blocks"])
    await send(bot, requests.block_actions(action_id, user_id=user, view=view, **fields))


def card_modal(requests: SlackRequests, home: dict[str, Any]) -> dict[str, Any]:
    """The card modal as Slack echoes it in clicks: its metadata is the Home state."""
    return modal_view(
        requests.workspace, ids.ORDER_CARD_MODAL, {}, home["private_metadata"], view_id=CARD_VIEW
    )


async def test_home_opened_publishes_the_dashboard(bot: RunningBot, slack_requests: SlackRequests):
    view = await open_home(bot, slack_requests)

    assert view["type"] == "home"
    assert rows(view) == ["SO-LATE", "SO-SLIP", "SO-LATE", "SO-SLIP"]  # lagging, then to tell
    text = text_of(view["blocks"])
    assert "My lagging orders" in text and "Customers I still have to tell" in text
    assert "*Open orders*\\n2" in text
    assert "Digest subscriptions" not in text  # reps see no admin section


async def test_home_opened_on_the_messages_tab_publishes_nothing(
    bot: RunningBot, slack_requests: SlackRequests
):
    await send(bot, slack_requests.app_home_opened(tab="messages"))

    assert bot.fake.calls_to("views.publish") == []


async def test_home_opened_again_keeps_the_filter_left_on(
    bot: RunningBot, slack_requests: SlackRequests
):
    state = HomeState(HomeFilter(team="apac")).encode()

    view = await open_home(bot, slack_requests, state=state)

    assert rows(view) == ["SO-SLIP", "SO-SLIP"]
    assert HomeState.decode(view["private_metadata"]).filter.team == "apac"


async def test_home_next_and_previous_turn_the_lagging_list(
    bot: RunningBot, slack_requests: SlackRequests
):
    await add_orders(bot.services, {f"SO-X{n:02d}": OVERDUE for n in range(12)})
    first = await open_home(bot, slack_requests)

    nxt = element(first, ids.HOME_NEXT_ACTION, "home_paging_lag")
    await click_in_home(bot, slack_requests, first, ids.HOME_NEXT_ACTION, value=nxt["value"])
    second = published(bot)
    previous = element(second, ids.HOME_PREVIOUS_ACTION, "home_paging_lag")
    await click_in_home(
        bot, slack_requests, second, ids.HOME_PREVIOUS_ACTION, value=previous["value"]
    )
    back = published(bot)

    assert (len(lagging_rows(first)), len(lagging_rows(second))) == (10, 4)
    assert len(set(lagging_rows(first)) | set(lagging_rows(second))) == 14
    assert lagging_rows(back) == lagging_rows(first)
    assert HomeState.decode(second["private_metadata"]).pages == {HomeList.LAGGING: 1}


async def test_home_reason_filter_narrows_the_lagging_list(
    bot: RunningBot, slack_requests: SlackRequests
):
    home = await open_home(bot, slack_requests)
    picked = {"type": "static_select", "selected_option": {"value": LagKind.SLIPPED.value}}

    await click_in_home(bot, slack_requests, home, ids.HOME_KIND_ACTION, action=picked)

    view = published(bot)
    assert rows(view)[0] == "SO-SLIP"
    assert HomeState.decode(view["private_metadata"]).filter == HomeFilter(LagKind.SLIPPED)
    assert element(view, ids.HOME_KIND_ACTION)["initial_option"]["value"] == "slipped"


async def test_home_team_filter_and_clear(bot: RunningBot, slack_requests: SlackRequests):
    home = await open_home(bot, slack_requests)
    picked = {"type": "static_select", "selected_option": {"value": "emea"}}

    await click_in_home(bot, slack_requests, home, ids.HOME_TEAM_ACTION, action=picked)
    filtered = published(bot)
    clear = element(filtered, ids.HOME_CLEAR_ACTION)
    await click_in_home(bot, slack_requests, filtered, ids.HOME_CLEAR_ACTION, value=clear["value"])
    cleared = published(bot)

    assert rows(filtered) == ["SO-LATE", "SO-LATE"]
    assert "Team emea" in text_of(filtered["blocks"])
    assert rows(cleared) == rows(home)


async def test_home_open_button_shows_the_card_in_a_modal(
    bot: RunningBot, slack_requests: SlackRequests
):
    home = await open_home(bot, slack_requests)

    await click_in_home(bot, slack_requests, home, ids.HOME_OPEN_ACTION, value="SO-LATE")

    opened = bot.fake.last("views.open").args["view"]
    update = bot.fake.last("views.update").args
    assert opened["callback_id"] == ids.NOTICE_MODAL  # the placeholder, opened at once
    card = update["view"]
    assert check_view(card) is None
    assert card["callback_id"] == ids.ORDER_CARD_MODAL
    assert card["private_metadata"] == home["private_metadata"]
    buttons = [e.get("action_id") for b in card["blocks"] for e in b.get("elements", [])]
    assert ids.ETA_ACTION in buttons and ids.SHARE_ORDER_ACTION not in buttons


async def test_card_buttons_inside_the_card_modal_push_their_modal(
    bot: RunningBot, slack_requests: SlackRequests
):
    home = await open_home(bot, slack_requests)
    order = await load_order(bot.services, "SO-LATE")
    brief = json.dumps(
        {"o": "SO-LATE", "v": order.version, "c": "Acme", "p": "2026-11-20", "e": None}
    )

    await send(
        bot,
        slack_requests.block_actions(
            ids.ETA_ACTION, value=brief, view=card_modal(slack_requests, home)
        ),
    )

    assert bot.fake.calls_to("views.open") == []
    pushed = bot.fake.last("views.push").args["view"]
    ctx = ModalContext.decode(pushed["private_metadata"])
    assert (ctx.card_view, ctx.home, ctx.response_url) == (
        CARD_VIEW,
        home["private_metadata"],
        None,
    )


async def test_eta_saved_from_the_card_modal_redraws_the_card_and_the_home(
    bot: RunningBot, slack_requests: SlackRequests
):
    home = await open_home(bot, slack_requests)
    order = await load_order(bot.services, "SO-LATE")
    ctx = ModalContext("SO-LATE", order.version, card_view=CARD_VIEW, home=home["private_metadata"])
    bot.fake.reset()

    request = slack_requests.view_submission(
        ids.ETA_MODAL, eta_state("2026-12-09"), private_metadata=ctx.encode(), user_id=REP
    )
    await send(bot, request)

    update = bot.fake.last("views.update").args
    assert update["view_id"] == CARD_VIEW
    assert "2026-12-09" in text_of(update["view"]["blocks"])
    republished = published(bot)
    assert "ETA 2026-12-09" in text_of(republished["blocks"])


async def test_home_overflow_snooze_opens_with_views_open_and_republishes_after_saving(
    bot: RunningBot, slack_requests: SlackRequests
):
    home = await open_home(bot, slack_requests)
    order = await load_order(bot.services, "SO-LATE")
    option = {"value": OrderRef("SO-LATE", order.version).encode(MenuChoice.SNOOZE)}
    picked = {"type": "overflow", "selected_option": option}

    await click_in_home(bot, slack_requests, home, ids.ORDER_MENU_ACTION, action=picked)
    modal = bot.fake.last("views.open").args["view"]
    state = {
        "snooze_date": {"value": {"type": "datepicker", "selected_date": "2026-11-30"}},
        "snooze_time": {"value": {"type": "timepicker", "selected_time": "09:00"}},
        "snooze_reason": {"value": {"type": "plain_text_input", "value": "customer closed"}},
    }
    await send(
        bot,
        slack_requests.view_submission(
            modal["callback_id"], state, private_metadata=modal["private_metadata"], user_id=REP
        ),
    )

    assert modal["callback_id"] == ids.SNOOZE_MODAL
    assert (await load_order(bot.services, "SO-LATE")).snoozed_until is not None
    after = text_of(published(bot)["blocks"])
    assert "My snoozed orders* · 1" in after and ":zzz: wakes 2026-11-30 09:00" in after


async def test_home_actions_refuse_a_viewer_politely_in_a_modal(
    bot: RunningBot, slack_requests: SlackRequests
):
    home = await open_home(bot, slack_requests, user=VIEWER)
    order = await load_order(bot.services, "SO-LATE")
    option = {"value": OrderRef("SO-LATE", order.version).encode(MenuChoice.TAKE)}
    picked = {"type": "overflow", "selected_option": option}

    await click_in_home(
        bot, slack_requests, home, ids.ORDER_MENU_ACTION, user=VIEWER, action=picked
    )

    notice = bot.fake.last("views.open").args["view"]
    assert notice["callback_id"] == ids.NOTICE_MODAL
    assert "Only reps and admins can change orders" in text_of(notice["blocks"])
    assert (await load_order(bot.services, "SO-LATE")).owner == REP


async def test_take_ownership_of_my_own_order_from_home_says_so(
    bot: RunningBot, slack_requests: SlackRequests
):
    home = await open_home(bot, slack_requests)
    order = await load_order(bot.services, "SO-LATE")
    option = {"value": OrderRef("SO-LATE", order.version).encode(MenuChoice.TAKE)}

    await click_in_home(
        bot, slack_requests, home, ids.ORDER_MENU_ACTION,
        action={"type": "overflow", "selected_option": option},
    )  # fmt: skip

    notice = bot.fake.last("views.open").args["view"]
    assert "already" in text_of(notice["blocks"])
    assert (await load_order(bot.services, "SO-LATE")).version == order.version


async def test_home_of_an_admin_shows_digests_and_sync_status(
    bot: RunningBot, slack_requests: SlackRequests
):
    await add_subscription(bot.services, "C0DIGEST1")

    view = await open_home(bot, slack_requests, user=LEAD)

    text = text_of(view["blocks"])
    assert "Digest subscriptions* · 1" in text and "<#C0DIGEST1>" in text
    assert "next 2026-11-25 07:30" in text  # 08:30 in Berlin, shown in the bot's zone (UTC)
    assert "Upstream sync not configured" in text
    assert "/backlog digest add|list|edit|pause|remove|test" in text


async def test_home_tells_a_viewer_the_same_dashboard(
    bot: RunningBot, slack_requests: SlackRequests
):
    await add_orders(bot.services, {"SO-V": OVERDUE | {"owner": VIEWER}})

    view = await open_home(bot, slack_requests, user=VIEWER)

    assert rows(view) == ["SO-V", "SO-V"]


async def test_save_after_the_card_modal_was_closed_still_republishes_and_notes_the_slip(
    bot: RunningBot, slack_requests: SlackRequests
):
    home = await open_home(bot, slack_requests)
    order = await load_order(bot.services, "SO-LATE")
    ctx = ModalContext("SO-LATE", order.version, card_view=CARD_VIEW, home=home["private_metadata"])
    bot.fake.reset()
    bot.fake.fail_next("views.update", "not_found")

    request = slack_requests.view_submission(
        ids.ETA_MODAL, eta_state("2026-12-09"), private_metadata=ctx.encode(), user_id=REP
    )
    await send(bot, request)

    assert "ETA 2026-12-09" in text_of(published(bot)["blocks"])
    thread = [c.args for c in bot.fake.calls_to("chat.postMessage") if c.args.get("thread_ts")]
    assert thread and thread[0]["channel"] == "C0EMEA"


async def test_home_update_eta_refuses_a_viewer_politely_in_a_modal(
    bot: RunningBot, slack_requests: SlackRequests
):
    await add_orders(bot.services, {"SO-V": OVERDUE | {"owner": VIEWER}})
    home = await open_home(bot, slack_requests, user=VIEWER)
    eta = element(home, ids.ETA_ACTION)

    await click_in_home(bot, slack_requests, home, ids.ETA_ACTION, user=VIEWER, value=eta["value"])

    notice = bot.fake.last("views.open").args["view"]
    assert notice["callback_id"] == ids.NOTICE_MODAL
    assert "Only reps and admins can change orders" in text_of(notice["blocks"])


async def test_overflow_inside_the_card_modal_pushes_its_modal(
    bot: RunningBot, slack_requests: SlackRequests
):
    home = await open_home(bot, slack_requests)
    order = await load_order(bot.services, "SO-LATE")
    option = {"value": OrderRef("SO-LATE", order.version).encode(MenuChoice.EXPEDITE)}

    await send(
        bot,
        slack_requests.block_actions(
            ids.ORDER_MENU_ACTION, user_id=REP, view=card_modal(slack_requests, home),
            action={"type": "overflow", "selected_option": option},
        ),
    )  # fmt: skip

    assert bot.fake.calls_to("views.open") == []
    pushed = bot.fake.last("views.push").args["view"]
    assert pushed["callback_id"] == ids.EXPEDITE_MODAL
    assert ModalContext.decode(pushed["private_metadata"]).card_view == CARD_VIEW
