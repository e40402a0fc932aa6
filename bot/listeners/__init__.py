"""Slack listeners: entry points that translate Slack requests into service calls."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp

from bot.listeners.background import Background
from bot.listeners.commands import BacklogCommand
from bot.listeners.customer_updates import CustomerUpdateActions
from bot.listeners.digest_rows import DigestRows
from bot.listeners.digests import DigestCommands
from bot.listeners.feedback_capture import FeedbackCapture
from bot.listeners.feedback_commands import FeedbackCommands
from bot.listeners.feedback_edits import FeedbackEdits
from bot.listeners.follow_up_actions import FollowUpActions
from bot.listeners.home import HomeTab
from bot.listeners.lookup import OrderLookup
from bot.listeners.menu_saves import MenuSaves
from bot.listeners.order_actions import OrderCardActions
from bot.listeners.order_menu import OrderMenu
from bot.listeners.registry import Registry
from bot.listeners.router import SubcommandRouter
from bot.listeners.sync_status import SyncCommands
from bot.listeners.text_actions import TextActions
from bot.services.container import Services


@dataclass(frozen=True)
class Registered:
    """What register_listeners put on the app: ids by kind, and the /backlog subcommands."""

    registry: Registry
    router: SubcommandRouter
    background: Background


def register_listeners(
    app: AsyncApp, services: Services, background: Background | None = None
) -> Registered:
    """Register every listener group on `app`; `background` runs the work that follows acks."""
    background = background or Background()
    registry = Registry(app)
    router = SubcommandRouter()
    OrderLookup(services, router, background).register(registry)
    OrderCardActions(services, background).register(registry)
    OrderMenu(services, background).register(registry)
    MenuSaves(services, background).register(registry)
    FollowUpActions(services, background).register(registry)
    HomeTab(services, background).register(registry)
    CustomerUpdateActions(services, background).register(registry)
    TextActions(services, router, background)
    FeedbackCapture(services, background).register(registry)
    FeedbackEdits(services, background).register(registry)
    FeedbackCommands(services, router)
    SyncCommands(services, router)
    DigestCommands(services, router, background).register(registry)
    DigestRows(services, background).register(registry)
    BacklogCommand(router).register(registry)
    registry.install()
    return Registered(registry, router, background)
