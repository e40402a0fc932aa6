"""What one rep does to one order, spread over several bot processes, with repeats.

The card comes from one process, its buttons are clicked at another, and every write is
delivered more than once: the same view_submission payload at two processes (a network retry, a
proxy replaying), and the overflow's Take ownership clicked twice (two payloads) with the first
payload also replayed at a third process.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.blocks.orders.button_modals import OrderBrief
from bot.blocks.orders.menu import MenuChoice
from bot.sandbox.signing import SIGNING_SECRET, SlackRequests
from bot.sandbox.web_api import FakeSlack
from tests.kit.common import checked_message
from tests.scale.processes import BotProcess

ORIGIN_CHANNEL = "C0DESK"


@dataclass
class OrderRun:
    """What the scenario did to one order and what the bots answered."""

    order_id: str
    user: str
    new_eta: date | None = None
    first_version: int = 0
    modal_answers: list[httpx.Response] = field(default_factory=list)
    click_answers: list[httpx.Response] = field(default_factory=list)


def find_element(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The card's element with `action_id`."""
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} on the card")


def eta_state(day: date) -> dict[str, Any]:
    return {
        "eta_date": {"value": {"type": "datepicker", "selected_date": day.isoformat()}},
        "eta_reason": {
            "value": {"type": "static_select", "selected_option": {"value": "supplier_delay"}}
        },
        "eta_note": {"value": {"type": "plain_text_input", "value": ""}},
        "eta_informed": {"value": {"type": "checkboxes", "selected_options": []}},
    }


def contact_state(note: str) -> dict[str, Any]:
    return {
        "contact_channel": {
            "value": {"type": "static_select", "selected_option": {"value": "phone"}}
        },
        "contact_outcome": {
            "value": {"type": "static_select", "selected_option": {"value": "informed"}}
        },
        "contact_note": {"value": {"type": "plain_text_input", "value": note}},
    }


class OrderScenario:
    """Card, Update ETA, card, Log contact, card, Take ownership, spread over three processes."""

    def __init__(self, bots: list[BotProcess], fake: FakeSlack, index: int, order_id: str) -> None:
        self._p, self._q, self._r = (bots[(index + k) % len(bots)] for k in range(3))
        self._fake = fake
        # Every response_url of this order starts with its id: replies can be told apart.
        prefix = f"{fake.response_url_base}{order_id}-"
        self._requests = SlackRequests(SIGNING_SECRET, response_url_base=prefix)
        self.run = OrderRun(order_id, f"U0REP{index:04d}")

    async def play(self) -> OrderRun:
        card = await self._card()
        brief = OrderBrief.decode(find_element(card, ids.ETA_ACTION)["value"])
        self.run.first_version = brief.version
        self.run.new_eta = (brief.eta or brief.promised) + timedelta(days=5)
        eta_modal = await self._open(card, ids.ETA_ACTION, ids.ETA_MODAL)
        await self._submit(eta_modal, eta_state(self.run.new_eta))
        contact_modal = await self._open(await self._card(), ids.CONTACT_ACTION, ids.CONTACT_MODAL)
        await self._submit(contact_modal, contact_state(f"Told {self.run.order_id} of the delay"))
        await self._take(find_element(await self._card(), ids.ORDER_MENU_ACTION))
        return self.run

    async def _card(self) -> dict[str, Any]:
        command = self._requests.slash_command(
            self.run.order_id, user_id=self.run.user, channel_id=ORIGIN_CHANNEL
        )
        response = await self._r.send(command)
        assert response.status_code == 200, response.text
        return checked_message(response.json())

    async def _open(self, card: dict[str, Any], action_id: str, callback: str) -> dict[str, Any]:
        """Click the card's button; the modal it opened, as the fake Slack received it."""
        click = self._requests.block_actions(
            action_id,
            value=find_element(card, action_id)["value"],
            user_id=self.run.user,
            block_id=ids.ORDER_ACTIONS_BLOCK,
            channel_id=ORIGIN_CHANNEL,
        )
        self.run.click_answers.append(await self._q.send(click))
        [view] = [
            v for v in opened_views(self._fake, self.run.order_id) if v["callback_id"] == callback
        ]
        return view

    async def _submit(self, view: dict[str, Any], state: dict[str, Any]) -> None:
        submission = self._requests.view_submission(
            view["callback_id"], state, view["private_metadata"], user_id=self.run.user
        )
        # The very same payload at two processes, at the same moment.
        answers = await asyncio.gather(self._p.send(submission), self._q.send(submission))
        self.run.modal_answers += answers

    async def _take(self, menu: dict[str, Any]) -> None:
        """Take ownership clicked twice (two payloads), the first payload replayed elsewhere."""
        [value] = [
            o["value"] for o in menu["options"] if o["value"].startswith(f"{MenuChoice.TAKE}|")
        ]
        option = {"text": {"type": "plain_text", "text": "Take ownership"}, "value": value}
        first, second = (
            self._requests.block_actions(
                ids.ORDER_MENU_ACTION,
                user_id=self.run.user,
                block_id=ids.ORDER_ACTIONS_BLOCK,
                channel_id=ORIGIN_CHANNEL,
                action={"type": "overflow", "selected_option": option},
            )
            for _ in range(2)
        )
        answers = await asyncio.gather(
            self._p.send(first), self._q.send(second), self._r.send(first)
        )
        self.run.click_answers += answers


def opened_views(fake: FakeSlack, order_id: str) -> list[dict[str, Any]]:
    """The modals opened for `order_id`, oldest first."""
    views = [call.args["view"] for call in fake.calls_to("views.open")]
    return [v for v in views if ModalContext.decode(v["private_metadata"]).external_id == order_id]
