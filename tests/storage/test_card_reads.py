"""The order card's fast read returns exactly what the ORM returns, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Table, select, text
from sqlmodel import SQLModel, col

from bot.bootstrap.container import Services
from storage.feedback.tables import Feedback, FeedbackTagLink
from storage.orders.card_reads import APPLICATION_NAME, CardQuery
from storage.orders.tables import EventKind, EventSource, Order, OrderEvent

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NOTES = (EventKind.NOTE_ADDED.value, EventKind.CONTACT_LOGGED.value)
CARD = CardQuery(NOTES, notes=3, feedback=2)


async def _seed(services: Services) -> Order:
    order = Order(
        external_id="SO-1",
        customer="Ærø Medical — Zürich",
        ordered_at=NOW - timedelta(days=30),
        promised_date=date(2026, 11, 20),
        current_eta=date(2026, 12, 4),
        eta_changed_at=NOW - timedelta(hours=3),
        last_activity_at=NOW,
        last_contact_at=NOW - timedelta(days=1),
        snoozed_until=None,
        quantity=Decimal("12.500"),
        value=Decimal("1999.99"),
        currency="EUR",
        slip_count=1,
        days_slipped=14,
        created_at=NOW,
        updated_at=NOW,
    )
    async with services.sessions() as session:
        session.add(order)
        await session.flush()
        assert order.id is not None
        for minutes, kind in enumerate(
            [EventKind.NOTE_ADDED, EventKind.ETA_CHANGED, EventKind.CONTACT_LOGGED] * 2
        ):
            session.add(
                OrderEvent(
                    order_id=order.id,
                    at=NOW + timedelta(minutes=minutes),
                    actor="U1",
                    source=EventSource.SLACK,
                    kind=kind,
                    note=f"note {minutes} ✓",
                )
            )
        await session.commit()
    return order


def _columns(row: SQLModel) -> dict[str, object]:
    table: Table = row.__table__  # type: ignore[attr-defined]
    return {column.name: getattr(row, column.name) for column in table.columns}


async def _orm_read(services: Services) -> tuple[Order, list[OrderEvent]]:
    async with services.sessions() as session:
        order = (await session.execute(select(Order))).scalar_one()
        query = (
            select(OrderEvent)
            .where(col(OrderEvent.kind).in_(NOTES))
            .order_by(col(OrderEvent.at).desc(), col(OrderEvent.id).desc())
            .limit(3)
        )
        return order, list((await session.execute(query)).scalars())


async def test_card_read_matches_the_orm_field_by_field(services: Services):
    await _seed(services)
    expected_order, expected_notes = await _orm_read(services)

    found = await services.cards.order_card("SO-1", CARD)

    assert found is not None
    order, notes = found.order, found.notes
    assert _columns(order) == _columns(expected_order)
    assert order.eta_changed_at is not None and order.eta_changed_at.tzinfo is UTC
    assert [_columns(n) for n in notes] == [_columns(n) for n in expected_notes]
    assert [n.note for n in notes] == ["note 5 ✓", "note 3 ✓", "note 2 ✓"]


async def test_card_read_of_an_unknown_id_is_none(services: Services):
    await _seed(services)

    assert await services.cards.order_card("SO-404", CARD) is None


async def test_card_read_sees_a_write_committed_a_moment_before(services: Services):
    await _seed(services)
    async with services.sessions() as session:
        order = (await session.execute(select(Order))).scalar_one()
        order.customer = "Renamed"
        await session.commit()

    found = await services.cards.order_card("SO-1", CARD)

    assert found is not None and found.order.customer == "Renamed"


# Only PostgreSQL's card reads hold connections of their own (SQLite opens a file).
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_card_read_survives_its_connection_being_killed(services: Services):
    await _seed(services)
    assert await services.cards.order_card("SO-1", CARD) is not None
    async with services.engine.connect() as conn:
        killed = await conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = :name"
            ),
            {"name": APPLICATION_NAME},
        )
    assert killed >= 1  # other test runs on this server may hold card-read connections too

    found = await services.cards.order_card("SO-1", CARD)

    assert found is not None and found.order.external_id == "SO-1"


async def test_card_read_brings_the_latest_feedback_with_its_tags(services: Services):
    order = await _seed(services)
    async with services.sessions() as session:
        for minutes, text_ in enumerate(["oldest", "middle ✓", "newest\nline two"]):
            note = Feedback(
                order_id=order.id,
                customer=order.customer,
                text=text_,
                logged_by="U1",
                created_at=NOW + timedelta(minutes=minutes),
                updated_at=NOW,
            )
            session.add(note)
            await session.flush()
            assert note.id is not None
            if minutes == 2:
                session.add_all(
                    FeedbackTagLink(feedback_id=note.id, tag=tag)  # type: ignore[arg-type]
                    for tag in ("delay_complaint", "pricing")
                )
        await session.commit()

    found = await services.cards.order_card("SO-1", CARD)

    assert found is not None
    assert [(f.text, sorted(tags)) for f, tags in found.feedback] == [
        ("newest\nline two", ["delay_complaint", "pricing"]),
        ("middle ✓", []),
    ]
    assert found.feedback[0][0].created_at.tzinfo is UTC
