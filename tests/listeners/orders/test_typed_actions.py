"""`/backlog eta|contact|note`: the typed forms of the card buttons."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap.container import Services, build_services
from bot.sandbox.signing import SlackRequests
from bot.sandbox.web_api import FakeSlack
from tests.conftest import Database
from tests.kit.common import checked_message, configure_roles_and_teams, order_row, seed_orders
from tests.kit.running_bot import RunningBot, running_bot

REP, VIEWER = "U0REP0001", "U0VIEW001"


@pytest.fixture
async def bot(
    services: Services, fake_slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    configure_roles_and_teams(services, viewers=frozenset({VIEWER}), teams={"emea": "C0EMEA"})
    await seed_orders(services, tmp_path, [order_row(team="emea", promised_date="2026-11-25")])
    async with running_bot(services, fake_slack) as running:
        yield running


async def say(bot: RunningBot, requests: SlackRequests, text: str, user: str = REP) -> str:
    response = await bot.send(requests.slash_command(text, user_id=user))
    await bot.settle()
    message: dict[str, Any] = checked_message(response.json())
    return str(message["text"])


async def test_eta_text_form_saves_a_slip_with_reason_and_notes_the_thread(
    bot: RunningBot, slack_requests: SlackRequests
):
    reply = await say(bot, slack_requests, "eta SO-1001 2026-12-02 transport stuck at port")

    assert reply == "ETA of SO-1001 is now 2026-12-02 (slipped 7 days); reason: Transport."
    order = (await bot.services.orders.detail("SO-1001")).order
    assert order.current_eta == date(2026, 12, 2)
    assert bot.fake.last("chat.postMessage").args["text"].startswith("ETA slipped 7 days")


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("eta", "Give the order id and the new ETA. Usage: `/backlog eta ORDER_ID YYYY-MM-DD"),
        ("eta SO-1001 someday", "unreadable date 'someday'"),
        ("eta SO-1001 2026-11-01", "The new ETA is in the past. Usage: /backlog eta ORDER_ID"),
        ("eta SO-9 2026-12-01", "I can't find order SO-9. Did you mean: SO-1001?"),
        ("note SO-1001", "Give the order id and the note. Usage: `/backlog note ORDER_ID TEXT`"),
        ("contact", "Give the order id. Usage: `/backlog contact ORDER_ID [note]`"),
    ],
)
async def test_text_forms_answer_bad_input_with_the_reason_and_usage(
    bot: RunningBot, slack_requests: SlackRequests, text: str, reply: str
):
    answer = await say(bot, slack_requests, text)

    assert reply in answer


async def test_contact_and_note_text_forms_land_in_the_history(
    bot: RunningBot, slack_requests: SlackRequests
):
    contact = await say(bot, slack_requests, "contact SO-1001 called the buyer")
    note = await say(bot, slack_requests, "note SO-1001 Supplier promised a partial shipment")
    history = await say(bot, slack_requests, "history SO-1001")

    assert contact == "Logged a customer contact on SO-1001: customer informed."
    assert note == "Note added to SO-1001."
    assert history == "History of SO-1001"
    card = await say(bot, slack_requests, "SO-1001")
    assert card.startswith("Order SO-1001")


async def test_viewers_get_a_polite_refusal_for_every_text_action(
    bot: RunningBot, slack_requests: SlackRequests
):
    for text in ("eta SO-1001 2026-12-02", "contact SO-1001", "note SO-1001 hi"):
        answer = await say(bot, slack_requests, text, user=VIEWER)

        assert answer.startswith("Only reps and admins can change orders; you have viewer access.")
    assert (await bot.services.orders.detail("SO-1001")).order.version == 1


async def test_help_lists_the_text_forms(bot: RunningBot, slack_requests: SlackRequests):
    answer = await say(bot, slack_requests, "help")

    for usage in ("/backlog eta ORDER_ID YYYY-MM-DD", "/backlog contact ORDER_ID", "/backlog note"):
        assert usage in answer


async def test_note_text_forms_typed_at_once_in_three_processes_all_land(
    bot: RunningBot, slack_requests: SlackRequests, fake_slack: FakeSlack, database: Database
):
    reps = ["U0REP0011", "U0REP0012", "U0REP0013"]
    others = [
        build_services(database.url, clock=bot.services.clock, schema=database.schema)
        for _ in reps[1:]
    ]
    async with AsyncExitStack() as stack:
        bots = [bot] + [await stack.enter_async_context(running_bot(s, fake_slack)) for s in others]

        responses = await asyncio.gather(
            *(
                each.send(slack_requests.slash_command(f"note SO-1001 from {rep}", user_id=rep))
                for each, rep in zip(bots, reps, strict=True)
            )
        )
        for each in bots:
            await each.settle()
    for services in others:
        await services.close()

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [checked_message(r.json())["text"] for r in responses] == ["Note added to SO-1001."] * 3
    _, events = await bot.services.orders.history("SO-1001")
    notes = sorted(str(e.note) for e in events if e.kind == "note_added")
    assert notes == [f"from {rep}" for rep in reps]
