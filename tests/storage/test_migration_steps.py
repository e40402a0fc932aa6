"""Migration steps: numbered in upgrade order (the revision ids were not), logged in that
order, and a database stopped at any old revision still upgrades to the head."""

from __future__ import annotations

import itertools
import logging

import pytest
from alembic.script import ScriptDirectory

from bot.bootstrap.container import Services
from storage.core.migrate import (
    alembic_config,
    current_revision,
    status,
    status_of,
    steps,
    upgrade,
)

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migration_steps_follow_the_upgrade_chain():
    chain = steps()

    assert [step.number for step in chain] == list(range(1, len(chain) + 1))
    assert chain[-1].revision == HEAD
    script = ScriptDirectory.from_config(alembic_config())
    for earlier, later in itertools.pairwise(chain):
        assert script.get_revision(later.revision).down_revision == earlier.revision


def test_migration_status_of_a_database_names_what_is_pending():
    middle = status_of("0008")

    assert middle.current is not None
    assert middle.current.describe() == (
        "step 07 of 10 (revision 0008): ingest API idempotency keys and upstream sync state"
    )
    assert [step.revision for step in middle.pending] == ["0005", "0010", "0009"]
    assert status_of(HEAD).pending == []
    assert len(status_of(None).pending) == len(steps())
    assert status_of("9999").unknown_revision == "9999"


async def test_upgrade_logs_its_steps_in_an_order_that_sorts(
    empty: Services, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="storage.migrate")

    await empty.migrate()

    lines = [r.getMessage() for r in caplog.records if r.name == "storage.migrate"]
    assert len(lines) == len(steps())
    assert lines == sorted(lines)
    assert lines[7] == (
        "migrated to step 08 of 10 (revision 0005): digest content: lag thresholds per"
        " subscription, what each run listed, skipped runs"
    )


@pytest.mark.parametrize("start", ["0001", "0004", "0008", "0005", "0010"])
async def test_a_database_at_an_old_revision_upgrades_to_the_head(empty: Services, start: str):
    await upgrade(empty.engine, start)
    before = await status(empty.engine)

    await empty.migrate()

    assert before.current is not None and before.current.revision == start
    assert await current_revision(empty.engine) == HEAD
    assert (await status(empty.engine)).pending == []
