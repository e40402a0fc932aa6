"""`backlog-bot digest list|preview|send`: digests from the command line."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import click

from bot.bootstrap.container import Services
from bot.cli.common import load_settings
from bot.services.core.schedule import describe, next_runs
from bot.services.digests.content import DigestContent, DigestRow
from bot.services.digests.delivery import schedule_of
from bot.services.digests.spec import Grouping
from bot.settings import Settings
from storage.digests.tables import DigestSubscription

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
T = TypeVar("T")


def _settings() -> Settings:
    return load_settings()


def _with_services(settings: Settings, work: Callable[[Services], Awaitable[T]]) -> T:
    from bot.bootstrap.from_settings import services_from

    async def run() -> T:
        services = services_from(settings)
        try:
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(run())


@click.group("digest")
def digest_command() -> None:
    """Scheduled digests: list them, preview one, send one now."""


@digest_command.command("list")
def list_command() -> None:
    """Every subscription with its schedule, next run, last success and last error."""
    settings = _settings()

    async def work(services: Services) -> list[str]:
        now = services.clock()
        subs = await services.digests.deliveries.subscriptions()
        return [_describe(sub, now) for sub in subs]

    lines = _with_services(settings, work)
    click.echo("\n".join(lines) if lines else "No digest subscriptions yet.")


@digest_command.command("preview")
@click.argument("subscription_id", type=int)
@click.option("--all", "everything", is_flag=True, help="List every row, not just max rows.")
def preview_command(subscription_id: int, everything: bool) -> None:
    """Print what digest ID would post now: counts, clusters and rows (nothing is posted)."""
    settings = _settings()

    async def work(services: Services) -> tuple[DigestSubscription, DigestContent] | None:
        rows = sys.maxsize if everything else None
        found = await services.digests.deliveries.preview(subscription_id, rows)
        return (found.subscription, found.content) if found else None

    result = _with_services(settings, work)
    if result is None:
        click.echo(f"No digest subscription #{subscription_id}.", err=True)
        sys.exit(EXIT_USAGE)
    click.echo("\n".join(preview_lines(*result)))


@digest_command.command("send")
@click.argument("subscription_id", type=int)
@click.option("--test", is_flag=True, help="Mark it a test: not counted as a delivery.")
def send_command(subscription_id: int, test: bool) -> None:
    """Post digest ID to its channel now (SLACK_BOT_TOKEN needed)."""
    settings = _settings()
    if settings.slack_bot_token is None:
        click.echo("backlog-bot: missing SLACK_BOT_TOKEN", err=True)
        sys.exit(EXIT_USAGE)

    async def work(services: Services) -> str:
        from bot.bootstrap.jobs import JobTiming, schedule_jobs
        from bot.bootstrap.slack_app import build_client, slack_session

        delivery = await services.digests.deliveries.now(subscription_id, test=test)
        if delivery is None:
            return "missing"
        async with slack_session(settings) as session:
            client = build_client(settings, session)
            digests = schedule_jobs(None, services, client, JobTiming(zone=settings.timezone))
            return await digests.post(delivery) or "ok"

    outcome = _with_services(settings, work)
    if outcome == "missing":
        click.echo(f"No digest subscription #{subscription_id}.", err=True)
        sys.exit(EXIT_USAGE)
    if outcome != "ok":
        click.echo(f"Slack refused digest #{subscription_id}: {outcome}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"Digest #{subscription_id} posted{' as a test' if test else ''}.")


def preview_lines(sub: DigestSubscription, content: DigestContent) -> list[str]:
    """The digest as plain text: the header counts, clusters, then rows by group."""
    c = content.counts
    new = "-" if c.new is None else str(c.new)
    resolved = "-" if c.resolved is None else str(c.resolved)
    lines = [
        f"Digest #{sub.id} to {sub.channel_id}: {c.lagging} lagging, {new} new, "
        f"{resolved} resolved, {c.not_told_customers} customers not told "
        f"({c.not_told_orders} orders), {c.snoozed} snoozed",
    ]
    lines += [f"  cluster: {k.field} {k.name}: {k.count}" for k in content.clusters]
    for group in content.groups:
        if content.grouping is not Grouping.NONE:
            lines.append(f"{content.grouping.value} {group.key or '(none)'}: {len(group.rows)}")
        lines += [_row(row) for row in group.rows]
    if content.more:
        lines.append(f"+{content.more} more (use --all to list them)")
    return lines


def _row(row: DigestRow) -> str:
    o = row.order
    eta = o.current_eta.isoformat() if o.current_eta else "no ETA"
    why = ", ".join(kind.label for kind in row.reasons)
    return (
        f"  {o.external_id} · {o.customer} · {o.owner or 'unassigned'} · "
        f"{row.age_days} bd · ETA {eta} vs promised {o.promised_date.isoformat()} · {why}"
    )


def _describe(sub: DigestSubscription, now: datetime) -> str:
    # In the subscription's own zone, named, as `/backlog digest list` shows it: the times
    # people chose read back as chosen, whatever BACKLOG_TIMEZONE is.
    schedule = schedule_of(sub)
    zone = ZoneInfo(sub.zone)
    upcoming = "paused" if sub.paused else _when(next_runs(schedule, now, 1)[0], zone)
    success = _when(sub.last_success_at, zone) if sub.last_success_at else "never"
    error = f" · last error: {sub.last_error}" if sub.last_error else ""
    return (
        f"#{sub.id} to {sub.channel_id} · {describe(schedule)} · next: {upcoming} · "
        f"last success: {success}{error}"
    )


def _when(value: datetime, zone: ZoneInfo) -> str:
    return f"{value.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"
