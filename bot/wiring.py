"""Services as the settings describe them: the one place entry points build them from."""

from __future__ import annotations

from bot.integrations.helpdesk import HelpdeskWebhook
from bot.services.container import Services, build_services
from bot.settings import Settings


def services_from(settings: Settings) -> Services:
    """The service layer on DATABASE_URL, with the configured zone, roles, team channels and
    helpdesk webhook."""
    return build_services(
        settings.database_url,
        schema=settings.database_schema,
        zone=settings.timezone,
        roles=settings.roles,
        team_channels=settings.team_channels,
        helpdesk=helpdesk_from(settings),
    )


def helpdesk_from(settings: Settings) -> HelpdeskWebhook | None:
    """The helpdesk webhook, when HELPDESK_WEBHOOK_URL is set (settings require the secret)."""
    url, secret = settings.helpdesk_webhook_url, settings.helpdesk_webhook_secret
    if not url or secret is None:
        return None
    return HelpdeskWebhook(url, secret.get_secret_value())
