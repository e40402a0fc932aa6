"""Alert messages: within Slack's limits, nobody @-mentioned in channel, card buttons reused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.models.blocks import Block

from bot.blocks.alerts.messages import build_alert_dm, build_alert_line
from bot.blocks.kit import ids
from bot.services.alerts.plans import AlertPlan
from storage.alerts.tables import AlertKind
from storage.orders.tables import Order
from tests.kit.common import checked_message

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


def order(**fields: Any) -> Order:
    values: dict[str, Any] = {
        "id": 7,
        "external_id": "SO-1",
        "customer": "Acme <Hospital> & Co",
        "owner": "U0OWNER01",
        "team": "emea",
        "ordered_at": NOW,
        "promised_date": date(2026, 11, 20),
        "last_activity_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
        "version": 3,
    }
    return Order(**(values | fields))


def slip_plan(**fields: Any) -> AlertPlan:
    values: dict[str, Any] = {
        "alert_id": 1,
        "attempts": 1,
        "kind": AlertKind.SLIPPED,
        "order": order(current_eta=date(2026, 11, 27), slip_count=2),
        "today": NOW.date(),
        "due": date(2026, 11, 27),
        "previous": date(2026, 11, 25),
        "slip_days": 2,
        "actor": "U0REP0001",
        "channel": "C0EMEA",
        "dm_owner": "U0OWNER01",
    }
    return AlertPlan(**(values | fields))


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    return checked_message({"text": text, "blocks": [b.to_dict() for b in blocks]})


def buttons(payload: dict[str, Any]) -> list[tuple[str, str]]:
    [actions] = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert actions["block_id"] == ids.ALERT_ACTIONS_BLOCK
    return [(e["action_id"], e["text"]["text"]) for e in actions["elements"]]


def test_slip_line_names_the_actor_without_mentioning_anyone():
    payload = message(*build_alert_line(slip_plan(), "Robin"))

    assert payload["text"] == (
        "ETA slipped 2 days to 2026-11-27 (promised 2026-11-20; slipped 2× in all) — Robin"
    )
    assert "<@" not in json.dumps(payload)
    assert buttons(payload) == [
        (ids.OPEN_ORDER_ACTION, "Open card"),
        (ids.ETA_ACTION, "Update ETA"),
        (ids.CONTACT_ACTION, "Log customer contact"),
    ]


def test_overdue_line_says_how_late_and_that_the_customer_was_not_told():
    plan = slip_plan(kind=AlertKind.OVERDUE, due=date(2026, 11, 20), actor=None, slip_days=0)

    payload = message(*build_alert_line(plan, None))

    assert payload["text"] == "Overdue: due 2026-11-20 (Fri) passed, 4 days late"
    shown = json.dumps(payload["blocks"], ensure_ascii=False)
    assert "No customer contact is logged since the ETA changed." in shown


def test_the_dm_escapes_the_customer_and_offers_the_card_actions():
    payload = message(*build_alert_dm(slip_plan(), "the import of orders.csv"))

    assert payload["text"].startswith("Your order SO-1 · Acme <Hospital> & Co: ETA slipped 2 days")
    section = payload["blocks"][0]["text"]["text"]
    assert "Acme &lt;Hospital&gt; &amp; Co" in section
    assert "— the import of orders.csv" in section
    assert [action for action, _ in buttons(payload)] == [
        ids.OPEN_ORDER_ACTION,
        ids.ETA_ACTION,
        ids.CONTACT_ACTION,
    ]
