"""An upstream order system for sync tests: scripted pages on loopback, and the sync wired to it."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap.container import Services
from bot.integrations.sync.upstream import UpstreamConfig, UpstreamSource
from bot.sandbox.web_api import FakeSlack
from bot.services.core.roles import RoleBook
from bot.services.sync import RecordMapping, SyncPlan, SyncService
from storage.orders.tables import OrderStatus
from tests.integrations.loopback import API_KEY, LoopbackUpstream
from tests.integrations.scripted import RecordedSleep, ScriptedUpstream

ADMINS = RoleBook(
    admins=frozenset({"U0LEAD01", "S0LEADS"}),
    group_members={"S0LEADS": frozenset({"U0LEAD02", "U0LEAD01"})},
)


PLAN = SyncPlan("https://erp.example.com/api/orders", timedelta(minutes=15))

MAPPING = RecordMapping(
    {
        "order_id": "number",
        "customer": "customer.name",
        "ordered_at": "created",
        "promised_date": "promise",
        "updated_at": "modified",
    },
    {"In Transit": OrderStatus.CONFIRMED},
)


def order(number: str, **extra: Any) -> dict[str, Any]:
    return {
        "order_id": number,
        "customer": "Acme Hospital",
        "ordered_at": "2026-11-01T10:00:00Z",
        "promised_date": "2026-11-30",
        "updated_at": "2026-11-24T08:00:00Z",
    } | extra


def connect(services: Services, upstream: LoopbackUpstream, key: str = API_KEY) -> SyncService:
    """The sync service of `services`, pointed at `upstream` over real HTTP."""
    config = UpstreamConfig(upstream.url, headers={"X-Api-Key": key}, retries=1)
    source = UpstreamSource(config, sleep=RecordedSleep())
    plan = SyncPlan(upstream.url, timedelta(minutes=15))
    services.sync = SyncService(
        services.sessions, services.clock, UTC, source, RecordMapping(), plan
    )
    return services.sync


def slack(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.base_url)


def record(number: str, modified: str = "2026-11-24T08:00:00Z", **extra: Any) -> dict[str, Any]:
    """An upstream record in the upstream's own shape."""
    return {
        "number": number,
        "customer": {"name": "Acme Hospital", "id": 7},
        "created": "2026-11-01T10:00:00Z",
        "promise": "2026-11-30",
        "modified": modified,
        "ignored": "fields the mapping does not name",
    } | extra


def sync_with(
    services: Services, upstream: ScriptedUpstream, mapping: RecordMapping = MAPPING
) -> SyncService:
    source = UpstreamSource(
        UpstreamConfig("https://erp.example.com/api/orders"),
        transport=upstream.transport,
        sleep=RecordedSleep(),
    )
    return SyncService(
        services.sessions, services.clock, UTC, source=source, mapping=mapping, plan=PLAN
    )
