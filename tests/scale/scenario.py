"""What one rep does to one order, spread over several bot processes, with repeats.

Every write is delivered more than once: the same view_submission payload at two processes (a
network retry, a proxy replaying), and the overflow's Take ownership clicked twice (two
payloads) with the first payload also replayed at a third process.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from bot import ids
from bot.blocks.forms import ModalContext
from bot.blocks.order_menu import MenuChoice
from bot.blocks.order_modals import OrderBrief
from tests.fakes.fixtures import SIGNING_SECRET
from tests.fakes.signing import SlackRequests
from tests.fakes.slack_api import FakeSlack
from tests.scale.processes import BotProcess
from tests.support import checked_message

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
    """Card, Update ETA, card, Log contact, card, Take ownership: each step at all three."""

    def __init__(self, bots: list[BotProcess], fake: FakeSlack, index: int, order_id: str) -> None:
        self._p, self._q, self._r = (bots[(index + k) % len(bots)] for k in range(3))
        self._fake = fake
        # Every response_url of this order starts with its id: replies can be told apart.
        prefix = f"{fake.response_url_base}{order_id}-"
        self._requests = SlackRequests(SIGNING_SECRET, response_url_base=prefix)
        self.run = OrderRun(order_id, f"U0REP{index:04d}")

    async def play(self) -> OrderRun:
        brief = OrderBrief.decode(find_element(await self._card(), ids.ETA_ACTION)["value"])
        self.run.first_version = brief.version
        self.run.new_eta = (brief.eta or brief.promised) + timedelta(days=5)
        await self._submit(ids.ETA_MODAL, eta_state(self.run.new_eta), brief.version, "eta")
        contact = find_element(await self._card(), ids.CONTACT_ACTION)["value"]
        version = OrderBrief.decode(contact).version
        note = f"Told {self.run.order_id} about the delay"
        await self._submit(ids.CONTACT_MODAL, contact_state(note), version, "contact")
        await self._take(find_element(await self._card(), ids.ORDER_MENU_ACTION))
        return self.run

    async def _card(self) -> dict[str, Any]:
        command = self._requests.slash_command(
            self.run.order_id, user_id=self.run.user, channel_id=ORIGIN_CHANNEL
        )
        response = await self._r.send(command)
        assert response.status_code == 200, response.text
        return checked_message(response.json())

    async def _submit(self, callback: str, state: dict[str, Any], version: int, step: str) -> None:
        card_url = f"{self._fake.response_url_base}{self.run.order_id}-card-{step}"
        context = ModalContext(self.run.order_id, version, card_url, ORIGIN_CHANNEL)
        submission = self._requests.view_submission(
            callback, state, private_metadata=context.encode(), user_id=self.run.user
        )
        # The very same payload at two processes, at the same moment.
        answers = await asyncio.gather(self._p.send(submission), self._q.send(submission))
        self.run.modal_answers += answers

    async def _take(self, menu: dict[str, Any]) -> None:
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
