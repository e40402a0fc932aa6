"""The alerts job wired as `backlog-bot run` wires it, pointed at the fake Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select
from sqlmodel import col

from bot.bootstrap.container import Services
from bot.bootstrap.slack_app import build_client, slack_session
from bot.delivery.alerts.alert_posts import AlertDelivery
from bot.jobs.alerts.alert_job import AlertJob
from bot.sandbox.web_api import Call, FakeSlack
from bot.services.alerts.service import AlertService
from storage.alerts.tables import Alert
from tests.kit.pace import VirtualTime
from tests.kit.running_bot import bot_settings


@asynccontextmanager
async def alert_job(
    services: Services, fake: FakeSlack, owner: str = "host-a:1"
) -> AsyncIterator[AlertJob]:
    """The job of one process (`owner`), with the real client and its 429 retries."""
    settings = bot_settings(fake)
    async with slack_session(settings) as session:
        client = build_client(settings, session, VirtualTime().pacer())
        alerts = AlertService(
            services.sessions, services.clock, services.orders.zone, services.teams, owner=owner
        )
        yield AlertJob(alerts, AlertDelivery(alerts, services.actions, client))


async def run_alert_job(services: Services, fake: FakeSlack, owner: str = "host-a:1") -> None:
    """One run of the job, as a process would run it."""
    async with alert_job(services, fake, owner) as job:
        await job.run()


def thread_lines(fake: FakeSlack) -> list[Call]:
    return [c for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts")]


async def alerts_of(services: Services) -> list[Alert]:
    async with services.sessions() as session:
        return list((await session.execute(select(Alert).order_by(col(Alert.id)))).scalars())
