"""Logging and classifying customer feedback, type-ahead and threats, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.bootstrap.container import Services
from bot.services.core.errors import InvalidInput, OrderNotFound
from bot.services.core.roles import PermissionDenied
from bot.services.feedback.entries import FeedbackInput, FeedbackNotFound
from bot.services.feedback.service import FeedbackService
from storage.feedback.tables import Feedback, FeedbackTag, Sentiment
from storage.orders.tables import EventKind, OrderStatus
from tests.kit.common import FixedClock
from tests.services.conftest import REP, ROLES, VIEWER, events_of, make_order

THREAT = frozenset({FeedbackTag.CANCELLATION_THREAT})


def note(text: str = "Where is my order?", **fields: object) -> FeedbackInput:
    values: dict[str, object] = {"external_id": "SO-1", "sentiment": Sentiment.NEGATIVE}
    values.update(fields)
    return FeedbackInput(text=text, **values)  # type: ignore[arg-type]


async def stored(services: Services) -> list[Feedback]:
    async with services.sessions() as session:
        query = select(Feedback).order_by(col(Feedback.id))
        return list((await session.execute(query)).scalars())


async def test_log_feedback_stores_the_note_and_an_order_event(services: Services):
    await make_order(services)
    given = note(
        tags=frozenset({FeedbackTag.DELAY_COMPLAINT, FeedbackTag.PRICING}),
        author="U0CUST001",
        follow_up_owner="U0LEAD001",
        channel_id="C111",
        message_ts="1700000000.000200",
        permalink="https://example.slack.com/archives/C111/p1700000000000200",
    )

    logged = await services.feedback.log(given, actor=REP)

    entry = logged.entry
    assert (entry.external_id, entry.customer, entry.sentiment) == (
        "SO-1",
        "Acme Hospital",
        Sentiment.NEGATIVE,
    )
    assert entry.tags == (FeedbackTag.DELAY_COMPLAINT, FeedbackTag.PRICING)
    assert (entry.author, entry.logged_by, entry.follow_up_owner) == ("U0CUST001", REP, "U0LEAD001")
    [row] = await stored(services)
    assert (row.channel_id, row.message_ts) == ("C111", "1700000000.000200")
    event = (await events_of(services))[-1]
    assert (event.kind, event.actor, event.note) == (
        EventKind.FEEDBACK_LOGGED,
        REP,
        "Where is my order?",
    )
    assert event.new_value == "Negative · Delay complaint, Pricing"


async def test_log_feedback_keeps_text_exactly_as_written(services: Services):
    await make_order(services)
    text = "  Ich bin enttäuscht 😡\n\n注文はまだですか？\r\nLine <b>&amp; done  "

    await services.feedback.log(note(text), actor=REP)

    [row] = await stored(services)
    assert row.text == text


async def test_log_feedback_accepts_a_message_of_slacks_full_size(services: Services):
    await make_order(services)
    text = "é" * 40_000

    await services.feedback.log(note(text), actor=REP)

    assert (await stored(services))[0].text == text


async def test_log_feedback_refuses_a_longer_text(services: Services):
    await make_order(services)

    with pytest.raises(InvalidInput) as raised:
        await services.feedback.log(note("x" * 40_001), actor=REP)

    assert raised.value.field == "text"
    assert "40,000" in raised.value.message


@pytest.mark.parametrize("text", ["", "   \n\t "])
async def test_log_feedback_refuses_an_empty_note(services: Services, text: str):
    await make_order(services)

    with pytest.raises(InvalidInput) as raised:
        await services.feedback.log(note(text), actor=REP)

    assert raised.value.field == "text"
    assert await stored(services) == []


async def test_log_feedback_for_a_customer_without_an_order(services: Services):
    logged = await services.feedback.log(
        note(external_id=None, customer="  Globex Clinic "), actor=REP
    )

    assert (logged.entry.external_id, logged.entry.customer) == (None, "Globex Clinic")
    assert (await stored(services))[0].order_id is None


async def test_log_feedback_needs_an_order_or_a_customer(services: Services):
    with pytest.raises(InvalidInput) as raised:
        await services.feedback.log(note(external_id=None, customer="  "), actor=REP)

    assert raised.value.field == "target"


async def test_log_feedback_on_an_unknown_order_raises_not_found(services: Services):
    with pytest.raises(OrderNotFound) as raised:
        await services.feedback.log(note(external_id="SO-404"), actor=REP)

    assert raised.value.external_id == "SO-404"


async def test_log_feedback_twice_at_once_writes_once(services: Services, clock: FixedClock):
    await make_order(services)
    first = await services.feedback.log(note(), actor=REP)
    clock.advance(seconds=20)

    second = await services.feedback.log(note(), actor=REP)

    assert second.duplicate and second.entry.id == first.entry.id
    assert len(await stored(services)) == 1


async def test_log_feedback_again_later_is_new_feedback(services: Services, clock: FixedClock):
    await make_order(services)
    await services.feedback.log(note(), actor=REP)
    clock.advance(minutes=2)

    second = await services.feedback.log(note(), actor=REP)

    assert not second.duplicate
    assert len(await stored(services)) == 2


async def test_log_feedback_refuses_viewers(services: Services, clock: FixedClock):
    await make_order(services)
    feedback = FeedbackService(services.sessions, clock, UTC, ROLES)

    with pytest.raises(PermissionDenied):
        await feedback.log(note(), actor=VIEWER)

    assert await stored(services) == []


async def test_classify_sets_sentiment_tags_and_owner_with_an_event(services: Services):
    await make_order(services)
    logged = await services.feedback.log(note(sentiment=None), actor=REP)

    result = await services.feedback.classify(
        logged.entry.id, Sentiment.NEUTRAL, THREAT, "U0LEAD001", actor="U0REP0002"
    )

    assert (result.entry.sentiment, result.entry.tags) == (
        Sentiment.NEUTRAL,
        (FeedbackTag.CANCELLATION_THREAT,),
    )
    assert result.entry.follow_up_owner == "U0LEAD001"
    event = (await events_of(services))[-1]
    assert (event.kind, event.actor) == (EventKind.FEEDBACK_UPDATED, "U0REP0002")
    assert (event.old_value, event.new_value) == (
        "Sentiment not set · no tags",
        "Neutral · Cancellation threat",
    )


async def test_classify_the_same_way_again_writes_nothing(services: Services):
    await make_order(services)
    logged = await services.feedback.log(note(tags=THREAT), actor=REP)
    before = len(await events_of(services))

    result = await services.feedback.classify(
        logged.entry.id, Sentiment.NEGATIVE, THREAT, None, actor=REP
    )

    assert result.duplicate
    assert len(await events_of(services)) == before


async def test_classify_an_unknown_note_raises_not_found(services: Services):
    with pytest.raises(FeedbackNotFound):
        await services.feedback.classify(99, Sentiment.POSITIVE, frozenset(), None, actor=REP)


async def test_suggest_lists_open_orders_by_id_or_customer_and_customers(services: Services):
    await make_order(services, "SO-100", customer="Acme Hospital")
    await make_order(services, "SO-200", customer="Globex Acme Labs")
    await make_order(services, "SO-300", customer="Initech", status=OrderStatus.FILLED)
    await services.feedback.log(note(external_id=None, customer="Acme Dental"), actor=REP)

    by_customer = await services.feedback.suggest("acme")
    by_id = await services.feedback.suggest("SO-3")

    assert [o[0] for o in by_customer.orders] == ["SO-100", "SO-200"]
    assert by_customer.customers == ["Acme Dental", "Acme Hospital", "Globex Acme Labs"]
    assert by_id.orders == []  # SO-300 is filled: only open orders are offered


async def test_suggest_without_text_offers_the_most_due_open_orders(services: Services):
    await make_order(services, "SO-1", promised_date=datetime(2026, 12, 5).date())
    await make_order(services, "SO-2", promised_date=datetime(2026, 11, 10).date())

    suggestions = await services.feedback.suggest("")

    assert [o[0] for o in suggestions.orders] == ["SO-2", "SO-1"]
    assert suggestions.customers == []


async def test_open_cancellation_threats_name_open_orders_with_their_latest_reason(
    services: Services, clock: FixedClock
):
    open_order = await make_order(services, "SO-1")
    await make_order(services, "SO-2", status=OrderStatus.CANCELLED)
    await make_order(services, "SO-3")
    await services.feedback.log(note("First warning", tags=THREAT), actor=REP)
    clock.advance(days=1)
    await services.feedback.log(note("We will cancel\non Friday", tags=THREAT), actor=REP)
    await services.feedback.log(note("Cancel it", external_id="SO-2", tags=THREAT), actor=REP)
    await services.feedback.log(note("Slow again", external_id="SO-3"), actor=REP)

    threats = await services.feedback.open_cancellation_threats()

    assert threats == {
        open_order.id: "Customer threatened to cancel (2026-11-25): We will cancel on Friday"
    }


async def test_open_cancellation_threats_filter_by_order_and_time(
    services: Services, clock: FixedClock
):
    first = await make_order(services, "SO-1")
    second = await make_order(services, "SO-2")
    await services.feedback.log(note("Old threat", tags=THREAT), actor=REP)
    clock.advance(days=10)
    await services.feedback.log(note("New threat", external_id="SO-2", tags=THREAT), actor=REP)
    assert first.id is not None and second.id is not None

    only_first = await services.feedback.open_cancellation_threats([first.id])
    recent = await services.feedback.open_cancellation_threats(since=clock.now)

    assert list(only_first) == [first.id]
    assert list(recent) == [second.id]
