"""Services as the settings describe them: the one place entry points build them from."""

from __future__ import annotations

from bot.services.container import Services, build_services
from bot.settings import Settings


def services_from(settings: Settings) -> Services:
    """The service layer on DATABASE_URL, with the configured zone, roles and team channels."""
    return build_services(
        settings.database_url,
        schema=settings.database_schema,
        zone=settings.timezone,
        roles=settings.roles,
        team_channels=settings.team_channels,
        rules=settings.lag_rules,
    )
