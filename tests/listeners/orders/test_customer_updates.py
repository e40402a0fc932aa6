"""Draft customer update and Send to helpdesk through signed requests and the fake Slack."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import httpx
import pytest

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.bootstrap.container import Services
from bot.integrations.orders.helpdesk import HelpdeskWebhook
from bot.sandbox.limits import check_view
from bot.sandbox.payloads import modal_view
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from bot.services.orders.actions import EtaReason
from storage.orders.tables import EventKind
from tests.kit.common import checked_message, configure_roles_and_teams
from tests.kit.home import OVERDUE, REP, VIEWER, add_orders
from tests.kit.running_bot import RunningBot, running_bot
from tests.services.conftest import events_of, load_order

SECRET = "helpdesk-secret"
Answer = Callable[[httpx.Request], httpx.Response]


class Helpdesk:
    """A helpdesk on httpx.MockTransport: records requests, answers as told."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answer: Answer = lambda request: httpx.Response(201, json={"ticket_id": "HD-9"})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)


@pytest.fixture
def helpdesk() -> Helpdesk:
    return Helpdesk()


async def start(services: Services, fake: FakeSlack, hook: HelpdeskWebhook | None):
    configure_roles_and_teams(services, viewers=frozenset({VIEWER}), helpdesk=hook)
    await add_orders(services, {"SO-1": OVERDUE | {"customer_email": "buyer@acme.example"}})
    await services.actions.change_eta(
        "SO-1", date(2026, 12, 4), EtaReason.TRANSPORT, None, False,
        actor=REP, expected_version=None,
    )  # fmt: skip
    return running_bot(services, fake)


@pytest.fixture
async def bot(
    services: Services, fake_slack: FakeSlack, helpdesk: Helpdesk
) -> AsyncIterator[RunningBot]:
    transport = httpx.MockTransport(helpdesk.handle)
    hook = HelpdeskWebhook("https://helpdesk.example.com/in", SECRET, transport=transport)
    async with await start(services, fake_slack, hook) as running:
        yield running


@pytest.fixture
async def copy_only_bot(services: Services, fake_slack: FakeSlack) -> AsyncIterator[RunningBot]:
    async with await start(services, fake_slack, None) as running:
        yield running


async def send(bot: RunningBot, request: Any) -> None:
    response = await bot.send(request)
    assert response.status_code == 200
    await bot.settle()


async def card(bot: RunningBot, requests: SlackRequests) -> dict[str, Any]:
    response = await bot.send(requests.slash_command("SO-1", user_id=REP))
    return checked_message(response.json())


def shown(bot: RunningBot) -> dict[str, Any]:
    """The modal as the latest views.update left it (validated like Slack would)."""
    view: dict[str, Any] = bot.fake.last("views.update").args["view"]
    assert check_view(view) is None
    return view


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def has_send_button(view: dict[str, Any]) -> bool:
    return ids.SEND_TO_HELPDESK_ACTION in text_of(view)


async def draft_from_card(bot: RunningBot, requests: SlackRequests) -> dict[str, Any]:
    await send(bot, requests.block_actions(ids.DRAFT_UPDATE_ACTION, value="SO-1", user_id=REP))
    return shown(bot)


async def click_send(
    bot: RunningBot, requests: SlackRequests, draft: dict[str, Any], user: str = REP
) -> None:
    view = modal_view(
        requests.workspace, ids.CUSTOMER_UPDATE_MODAL, {}, draft["private_metadata"],
        view_id="VDRAFT00001",
    )  # fmt: skip
    await send(bot, requests.block_actions(ids.SEND_TO_HELPDESK_ACTION, "SO-1", user, view=view))


async def contacts(services: Services) -> list[str | None]:
    return [e.note for e in await events_of(services, "SO-1") if e.kind == EventKind.CONTACT_LOGGED]


async def test_card_offers_draft_customer_update(bot: RunningBot, slack_requests: SlackRequests):
    message = await card(bot, slack_requests)

    [actions] = [b for b in message["blocks"] if b.get("block_id") == ids.ORDER_ACTIONS_BLOCK]
    labels = [e["text"]["text"] for e in actions["elements"] if e["type"] == "button"]
    assert "Draft customer update" in labels
    assert len(actions["elements"]) <= 25


async def test_draft_button_opens_at_once_then_shows_the_draft(
    bot: RunningBot, slack_requests: SlackRequests
):
    view = await draft_from_card(bot, slack_requests)

    placeholder = bot.fake.last("views.open").args["view"]
    assert placeholder["callback_id"] == ids.CUSTOMER_UPDATE_MODAL
    assert bot.fake.last("views.update").args["view_id"].startswith("V")
    text = text_of(view)
    assert "*To:* Acme Hospital · buyer@acme.example" in text
    assert "the new expected delivery date is 2026-12-04, 14 days later" in text
    assert "due to a transport delay" in text
    assert has_send_button(view)
    assert ModalContext.decode(view["private_metadata"]).version == 2


async def test_draft_without_a_helpdesk_is_for_copying_only(
    copy_only_bot: RunningBot, slack_requests: SlackRequests
):
    view = await draft_from_card(copy_only_bot, slack_requests)

    assert not has_send_button(view)
    assert "nothing is sent from here" in text_of(view)


async def test_send_to_helpdesk_signs_sends_logs_and_redraws_the_card(
    bot: RunningBot, slack_requests: SlackRequests, helpdesk: Helpdesk
):
    draft = await draft_from_card(bot, slack_requests)

    await click_send(bot, slack_requests, draft)

    [request] = helpdesk.requests
    stamp = request.headers["X-Backlog-Timestamp"]
    mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + request.content, hashlib.sha256)
    assert request.headers["X-Backlog-Signature"] == "v1=" + mac.hexdigest()
    assert json.loads(request.content)["sent_by"] == REP
    after = shown(bot)
    assert bot.fake.last("views.update").args["view_id"] == "VDRAFT00001"
    assert "Sent to the helpdesk (ref `HD-9`) and logged as a customer contact" in text_of(after)
    assert not has_send_button(after)
    [note] = await contacts(bot.services)
    assert note is not None and note.startswith("Helpdesk, customer informed")
    redrawn = bot.fake.last("response_url").args
    assert redrawn["replace_original"] is True
    assert "Yes · last contact" in json.dumps(redrawn["blocks"], ensure_ascii=False)


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (lambda request: httpx.Response(500, text="boom"), "HTTP 500: boom"),
        (lambda request: httpx.Response(403), "HTTP 403"),
        (
            lambda request: (_ for _ in ()).throw(httpx.ConnectTimeout("t", request=request)),
            "did not answer within 10 seconds",
        ),
    ],
    ids=["5xx", "4xx", "timeout"],
)
async def test_send_the_helpdesk_refuses_logs_nothing_and_says_why(
    bot: RunningBot, slack_requests: SlackRequests, helpdesk: Helpdesk, answer: Answer, said: str
):
    draft = await draft_from_card(bot, slack_requests)
    helpdesk.answer = answer

    await click_send(bot, slack_requests, draft)

    after = shown(bot)
    assert ":warning: The helpdesk" in text_of(after)
    assert said in text_of(after)
    assert has_send_button(after)  # to try again
    assert await contacts(bot.services) == []
    assert (await load_order(bot.services, "SO-1")).version == 2


async def test_send_by_a_viewer_is_refused_in_the_modal(
    bot: RunningBot, slack_requests: SlackRequests, helpdesk: Helpdesk
):
    draft = await draft_from_card(bot, slack_requests)

    await click_send(bot, slack_requests, draft, user=VIEWER)

    assert helpdesk.requests == []
    assert "Only reps and admins can send customer updates" in text_of(shown(bot))


async def test_send_after_the_order_changed_shows_the_fresh_draft(
    bot: RunningBot, slack_requests: SlackRequests, helpdesk: Helpdesk
):
    draft = await draft_from_card(bot, slack_requests)
    await bot.services.actions.change_eta(
        "SO-1", date(2026, 12, 11), EtaReason.SUPPLIER_DELAY, None, False,
        actor=REP, expected_version=None,
    )  # fmt: skip

    await click_send(bot, slack_requests, draft)

    after = shown(bot)
    assert helpdesk.requests == []
    assert "changed after this draft was made" in text_of(after)
    assert "2026-12-11" in text_of(after)
    assert ModalContext.decode(after["private_metadata"]).version == 3


async def test_draft_from_the_card_modal_is_pushed(bot: RunningBot, slack_requests: SlackRequests):
    card_modal = modal_view(
        slack_requests.workspace, ids.ORDER_CARD_MODAL, {}, "{}", view_id="VCARD000001"
    )

    await send(
        bot,
        slack_requests.block_actions(ids.DRAFT_UPDATE_ACTION, "SO-1", REP, view=card_modal),
    )

    assert bot.fake.calls_to("views.open") == []
    pushed = bot.fake.last("views.push").args["view"]
    assert ModalContext.decode(pushed["private_metadata"]).card_view == "VCARD000001"


async def test_draft_of_an_unknown_order_says_so(bot: RunningBot, slack_requests: SlackRequests):
    await send(bot, slack_requests.block_actions(ids.DRAFT_UPDATE_ACTION, value="SO-NOPE"))

    assert "`SO-NOPE` no longer exists" in text_of(shown(bot))
