"""Typed actions (no version seen) racing on one order, from several processes' engines."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date

import pytest

from bot.bootstrap.container import Services, build_services
from bot.services.orders.actions import ContactChannel, ContactOutcome, EtaReason, OrderActions
from tests.conftest import Database
from tests.kit.common import FixedClock
from tests.services.conftest import ROLES, events_of, load_order, make_order

REPS = ("UREP00011", "UREP00012", "UREP00013")


@pytest.fixture
async def processes(
    services: Services, database: Database, clock: FixedClock
) -> AsyncIterator[list[OrderActions]]:
    """Order actions of three processes: one engine each, on the test's database."""
    built = [build_services(database.url, clock=clock, schema=database.schema) for _ in REPS]
    yield [OrderActions(each.sessions, clock, UTC, ROLES) for each in built]
    for each in built:
        await each.close()


async def test_typed_notes_at_the_same_moment_all_land(
    services: Services, processes: list[OrderActions]
):
    await make_order(services)

    results = await asyncio.gather(
        *(
            actions.add_note("SO-1", f"note from {rep}", actor=rep, expected_version=None)
            for actions, rep in zip(processes, REPS, strict=True)
        )
    )

    assert not any(r.duplicate for r in results)
    notes = [e for e in await events_of(services) if e.kind == "note_added"]
    assert sorted((e.actor, e.note) for e in notes) == [(rep, f"note from {rep}") for rep in REPS]
    assert (await load_order(services)).version == 1 + len(REPS)


async def test_typed_contacts_at_the_same_moment_all_land(
    services: Services, processes: list[OrderActions]
):
    await make_order(services)

    await asyncio.gather(
        *(
            actions.log_contact(
                "SO-1",
                ContactChannel.OTHER,
                ContactOutcome.INFORMED,
                None,
                actor=rep,
                expected_version=None,
            )
            for actions, rep in zip(processes, REPS, strict=True)
        )
    )

    contacts = [e for e in await events_of(services) if e.kind == "contact_logged"]
    assert sorted(e.actor for e in contacts) == list(REPS)


async def test_typed_etas_at_the_same_moment_each_land_on_the_latest(
    services: Services, processes: list[OrderActions]
):
    await make_order(services, promised_date=date(2026, 11, 30))
    etas = [date(2026, 12, 5), date(2026, 12, 9), date(2026, 12, 12)]

    results = await asyncio.gather(
        *(
            actions.change_eta(
                "SO-1", eta, EtaReason.OTHER, None, False, actor=rep, expected_version=None
            )
            for actions, rep, eta in zip(processes, REPS, etas, strict=True)
        )
    )

    changes = [e for e in await events_of(services) if e.kind == "eta_changed"]
    assert len(changes) == len(REPS)
    # Each change starts from the ETA the one before it left: the chain is unbroken.
    assert [c.old_value for c in changes[1:]] == [c.new_value for c in changes[:-1]]
    order = await load_order(services)
    assert order.version == 1 + len(REPS)
    assert order.current_eta == max(results, key=lambda r: r.order.version).order.current_eta
