"""Slack listeners: entry points that translate Slack requests into service calls."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.listeners.commands import BacklogCommand
from bot.listeners.router import SubcommandRouter
from bot.services.container import Services


def register_listeners(app: AsyncApp, services: Services) -> SubcommandRouter:
    """Register every listener group on `app`; returns the subcommand router (help, tests)."""
    router = SubcommandRouter()
    BacklogCommand(router).register(app)
    return router
