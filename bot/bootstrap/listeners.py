"""Slack listeners: entry points that translate Slack requests into service calls."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp

from bot.bootstrap.container import Services
from bot.listeners.core.background import Background
from bot.listeners.core.backlog_command import BacklogCommand
from bot.listeners.core.registry import Registry
from bot.listeners.core.router import SubcommandRouter
from bot.listeners.digests.commands import DigestCommands
from bot.listeners.digests.row_buttons import DigestRows
from bot.listeners.feedback.commands import FeedbackCommands
from bot.listeners.feedback.edits import FeedbackEdits
from bot.listeners.feedback.shortcut import FeedbackCapture
from bot.listeners.home.tab import HomeTab
from bot.listeners.orders.card_buttons import OrderCardActions
from bot.listeners.orders.close import CloseSave
from bot.listeners.orders.customer_updates import CustomerUpdateActions
from bot.listeners.orders.expedite import ExpediteSave
from bot.listeners.orders.lookup import OrderLookup
from bot.listeners.orders.menu import OrderMenu
from bot.listeners.orders.reassign import ReassignSave
from bot.listeners.orders.snooze import SnoozeSave
from bot.listeners.orders.typed_actions import TextActions
from bot.listeners.orders.undo_and_approvals import FollowUpActions
from bot.listeners.sync.status import SyncCommands


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
    for save in (ReassignSave, SnoozeSave, CloseSave, ExpediteSave):
        save(services, background).register(registry)
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
