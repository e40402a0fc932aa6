"""`backlog-bot digest list|preview|send` as a user runs them, on both databases."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from bot.bootstrap.container import Services
from bot.sandbox.web_api import FakeSlack
from storage.digests.tables import DigestRun
from tests.conftest import Database
from tests.kit.cli import child_env, run_cli
from tests.kit.digests import add_orders, add_subscription, main_posts, order_values

LONG_AGO = date(2020, 1, 6)  # overdue whatever the machine's date


async def seed(services: Services, count: int = 3, **subscription: object) -> int:
    rows = [
        order_values(f"SO-{n}", promised_date=LONG_AGO, owner="U0REP0001", customer=f"C{n}")
        for n in range(1, count + 1)
    ]
    await add_orders(services, rows)
    sub = await add_subscription(services, **subscription)
    assert sub.id is not None
    return sub.id


def slack_env(database: Database, fake: FakeSlack) -> dict[str, str]:
    return child_env(database, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake.base_url)


async def test_digest_list_shows_schedule_next_run_and_last_outcome(
    services: Services, database: Database, tmp_path: Path
):
    await seed(services, times="07:45", zone="Europe/Berlin")

    result = await run_cli("digest", "list", env=child_env(database), cwd=tmp_path)

    assert result.code == 0
    assert result.stdout.startswith("#1 to C0DIGEST · Every day at 07:45 (Europe/Berlin) · next: ")
    assert result.stdout.strip().endswith("last success: never")


async def test_digest_list_shows_the_next_run_in_the_subscriptions_named_zone(
    services: Services, database: Database, tmp_path: Path
):
    await seed(services, times="07:45", zone="Europe/Berlin")
    env = child_env(database, BACKLOG_TIMEZONE="America/New_York")

    result = await run_cli("digest", "list", env=env, cwd=tmp_path)

    assert result.code == 0
    next_run = result.stdout.split("next: ")[1].split(" · ")[0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} 07:45 Europe/Berlin", next_run), next_run


async def test_digest_preview_prints_counts_and_rows_up_to_max_rows(
    services: Services, database: Database, tmp_path: Path
):
    sub_id = await seed(services, count=3, max_rows=2)

    capped = await run_cli("digest", "preview", str(sub_id), env=child_env(database), cwd=tmp_path)
    everything = await run_cli(
        "digest", "preview", str(sub_id), "--all", env=child_env(database), cwd=tmp_path
    )

    lines = capped.stdout.splitlines()
    assert lines[0] == (
        "Digest #1 to C0DIGEST: 3 lagging, - new, - resolved, 3 customers not told (3 orders), "
        "0 snoozed"
    )
    assert lines[1] == "owner U0REP0001: 2"
    assert lines[2].startswith("  SO-1 · C1 · U0REP0001 · ")
    assert lines[-1] == "+1 more (use --all to list them)"
    assert "  SO-3 · C3" in everything.stdout
    assert "more" not in everything.stdout


async def test_digest_preview_of_an_unknown_subscription_exits_2(
    services: Services, database: Database, tmp_path: Path
):
    result = await run_cli("digest", "preview", "99", env=child_env(database), cwd=tmp_path)

    assert result.code == 2
    assert result.stderr.splitlines()[0].startswith("database: ")
    assert result.stderr.splitlines()[1:] == ["No digest subscription #99."]


async def test_digest_send_test_posts_a_marked_digest_and_records_no_run(
    services: Services, database: Database, fake_slack: FakeSlack, tmp_path: Path
):
    sub_id = await seed(services)

    result = await run_cli(
        "digest", "send", str(sub_id), "--test", env=slack_env(database, fake_slack), cwd=tmp_path
    )

    assert (result.code, result.stdout.strip()) == (0, "Digest #1 posted as a test.")
    [post] = main_posts(fake_slack)
    assert post.args["text"].startswith("[TEST] Lagging orders: 3 lagging")
    async with services.sessions() as session:
        assert list((await session.execute(select(DigestRun))).scalars()) == []


async def test_digest_send_posts_now_and_records_the_delivery(
    services: Services, database: Database, fake_slack: FakeSlack, tmp_path: Path
):
    sub_id = await seed(services)

    result = await run_cli(
        "digest", "send", str(sub_id), env=slack_env(database, fake_slack), cwd=tmp_path
    )

    assert result.code == 0
    assert len(main_posts(fake_slack)) == 1
    async with services.sessions() as session:
        [run] = (await session.execute(select(DigestRun))).scalars()
    assert run.slot_key.startswith("manual-") and run.status == "posted"


async def test_digest_send_refused_by_slack_exits_1_with_the_reason(
    services: Services, database: Database, fake_slack: FakeSlack, tmp_path: Path
):
    sub_id = await seed(services)
    fake_slack.fail_next("chat.postMessage", error="is_archived")

    result = await run_cli(
        "digest", "send", str(sub_id), env=slack_env(database, fake_slack), cwd=tmp_path
    )

    assert result.code == 1
    assert result.stderr.strip().splitlines()[-1] == "Slack refused digest #1: is_archived"
