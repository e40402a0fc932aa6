"""Services as the settings describe them: the one place entry points build them from."""

from __future__ import annotations

from datetime import timedelta

from bot.bootstrap.container import Services, build_services
from bot.integrations.orders.helpdesk import HelpdeskWebhook
from bot.integrations.sync.upstream import Pagination, UpstreamConfig, UpstreamSource, display_url
from bot.services.sync import RecordMapping, SyncPlan, SyncSetup
from bot.settings import Settings
from storage.core.pool import PoolBudget


def services_from(settings: Settings) -> Services:
    """The service layer on DATABASE_URL, with the configured zone, roles, team channels,
    holidays, upstream sync, helpdesk webhook, digest lease and connection budget."""
    return build_services(
        settings.database_url,
        schema=settings.database_schema,
        zone=settings.timezone,
        roles=settings.roles,
        team_channels=settings.team_channels,
        helpdesk=helpdesk_from(settings),
        upstream=upstream_from(settings),
        rules=settings.lag_rules,
        digest_lease=settings.digest_lease,
        pool=PoolBudget(settings.database_pool_size),
    )


def upstream_from(settings: Settings) -> SyncSetup | None:
    """The upstream sync UPSTREAM_* describe; None when UPSTREAM_URL is not set."""
    if settings.upstream_url is None:
        return None
    config = UpstreamConfig(
        url=settings.upstream_url,
        headers=settings.upstream_headers,
        pagination=Pagination(settings.upstream_pagination),
        page_size=settings.upstream_page_size,
        items_field=settings.upstream_items_field,
        cursor_field=settings.upstream_cursor_field,
        since_param=settings.upstream_since_param,
        timeout_seconds=settings.upstream_timeout_seconds,
        retries=settings.upstream_retries,
    )
    return SyncSetup(
        source=UpstreamSource(config),
        mapping=RecordMapping(settings.upstream_map, settings.upstream_status_map),
        plan=SyncPlan(
            source=display_url(settings.upstream_url),
            every=timedelta(minutes=settings.upstream_interval_minutes),
        ),
    )


def helpdesk_from(settings: Settings) -> HelpdeskWebhook | None:
    """The helpdesk webhook, when HELPDESK_WEBHOOK_URL is set (settings require the secret)."""
    url, secret = settings.helpdesk_webhook_url, settings.helpdesk_webhook_secret
    if not url or secret is None:
        return None
    return HelpdeskWebhook(url, secret.get_secret_value())
