"""Three real processes under load against a PostgreSQL role allowed fewer connections than
the pools' library defaults would open (35 a process): each stays within DATABASE_POOL_SIZE,
nothing answers 500, and every note that was acknowledged is saved."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text
from sqlmodel import col

from bot.bootstrap.container import Services
from bot.sandbox.signing import SIGNING_SECRET, SignedRequest, SlackRequests
from bot.sandbox.web_api import FakeSlack
from storage.core.engine import create_engine
from storage.orders.tables import EventKind, OrderEvent
from tests.conftest import POSTGRES_URL, Database
from tests.kit.cli import child_env, run_cli
from tests.kit.common import order_row, write_csv
from tests.scale.processes import bot_processes

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

POOL_SIZE = 5  # DATABASE_POOL_SIZE of each process
ROLE_LIMIT = 3 * POOL_SIZE + 2  # room for the test's CLI import; far below 3 x 35
ORDERS = [f"SO-{5001 + n}" for n in range(10)]
IN_FLIGHT = 24  # requests each process serves at once
ROUNDS = 3


@pytest.fixture
async def limited_role(empty_schema: Database) -> AsyncIterator[str]:
    """A login role that may hold ROLE_LIMIT connections, owning the test's schema."""
    role = f"backlog_limited_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT {ROLE_LIMIT}"))
        await conn.execute(text(f"GRANT ALL ON SCHEMA {empty_schema.schema} TO {role}"))
    yield role
    async with admin.begin() as conn:
        # The schema (and so every table the role created) is dropped by empty_schema.
        await conn.execute(text(f"DROP OWNED BY {role} CASCADE"))
        await conn.execute(text(f"DROP ROLE {role}"))
    await admin.dispose()


def requests_for(
    round_: int, process: int, requests: SlackRequests
) -> list[tuple[str, SignedRequest]]:
    """A mix of card reads, listings and typed notes, each note saying who sent it."""
    mix: list[tuple[str, SignedRequest]] = []
    for n in range(IN_FLIGHT):
        order = ORDERS[n % len(ORDERS)]
        user = f"U0P{process}R{round_}N{n:02d}"
        if n % 3 == 0:
            note = f"note {process}-{round_}-{n}"
            mix.append((note, requests.slash_command(f"note {order} {note}", user_id=user)))
        elif n % 3 == 1:
            mix.append(("", requests.slash_command(order, user_id=user)))
        else:
            mix.append(("", requests.slash_command("late", user_id=user)))
    return mix


async def test_three_processes_stay_within_their_pool_budget_under_load_without_a_500(
    empty_schema: Database,
    limited_role: str,
    reader: Services,
    fake_slack: FakeSlack,
    tmp_path: Path,
):
    limited = empty_schema.url.replace("postgres@", f"{limited_role}@", 1)
    env = child_env(
        Database("postgresql", limited, empty_schema.schema),
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_POOL_SIZE=str(POOL_SIZE),
    )
    requests = SlackRequests(SIGNING_SECRET, response_url_base=fake_slack.response_url_base)
    answered: list[tuple[str, httpx.Response]] = []

    async with bot_processes(3, env, tmp_path) as bots:
        today = datetime.now(UTC).date()
        rows = [order_row(order_id=o, promised_date=str(today - timedelta(1))) for o in ORDERS]
        seeded = await run_cli(
            "import", str(write_csv(tmp_path / "o.csv", rows)), env=env, cwd=tmp_path
        )
        assert seeded.code == 0, seeded.stderr
        for round_ in range(ROUNDS):
            sends = [
                (note, bot.send(request))
                for index, bot in enumerate(bots)
                for note, request in requests_for(round_, index, requests)
            ]
            responses = await asyncio.gather(*(send for _, send in sends))
            answered += [(note, r) for (note, _), r in zip(sends, responses, strict=True)]

    statuses = sorted({r.status_code for _, r in answered})
    assert set(statuses) <= {200, 503}, statuses
    assert sum(r.status_code == 200 for _, r in answered) >= len(answered) // 2
    busy = [r for _, r in answered if r.status_code == 503]
    assert all(r.headers["retry-after"] == "1" for r in busy)
    async with reader.sessions() as session:
        events = select(OrderEvent).where(col(OrderEvent.kind) == EventKind.NOTE_ADDED.value)
        saved = {e.note for e in (await session.execute(events)).scalars()}
    acknowledged = {note for note, r in answered if note and r.status_code == 200}
    assert acknowledged <= saved
