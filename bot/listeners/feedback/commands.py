"""`/backlog feedback`: a quick note on an order, the trend report, the weekly report's schedule."""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck

from bot.blocks.feedback.replies import (
    build_feedback_logged,
    feedback_logged_text,
    subscribed_text,
    unsubscribed_text,
)
from bot.blocks.feedback.report import build_feedback_report, feedback_report_text
from bot.blocks.kit.replies import build_not_found, build_usage, not_found_text
from bot.blocks.kit.wire import to_wire
from bot.listeners.core.parsing import UsageError, unescape
from bot.listeners.core.router import SubcommandRouter, subcommand
from bot.services.core.errors import InvalidInput, OrderNotFound
from bot.services.core.roles import PermissionDenied
from bot.services.feedback.digests import FeedbackDigests
from bot.services.feedback.entries import FeedbackInput
from bot.services.feedback.service import FeedbackService
from bot.services.orders.reader import OrderReader

QUICK_USAGE = "/backlog feedback ORDER_ID TEXT"
REPORT_USAGE = "/backlog feedback report [7d|30d|90d] [team:X]"
SUBSCRIBE_USAGE = "/backlog feedback subscribe #channel [mon] [09:00] [team:X]"
UNSUBSCRIBE_USAGE = "/backlog feedback unsubscribe #channel"
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
_PERIOD = re.compile(r"(\d+)d", re.IGNORECASE)
_TIME = re.compile(r"\d{1,2}:\d{2}")
Handler = Callable[[AsyncAck, str, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class ScheduleArgs:
    """`subscribe #channel [day] [HH:MM] [team:X]` read apart."""

    channel_id: str
    day: str | None = None
    at: str | None = None
    team: str | None = None


class FeedbackCommandsServices(Protocol):
    """The services FeedbackCommands uses."""

    feedback: FeedbackService
    feedback_digests: FeedbackDigests
    orders: OrderReader


class FeedbackCommands:
    """The typed side of customer feedback."""

    def __init__(self, services: FeedbackCommandsServices, router: SubcommandRouter) -> None:
        self._services = services
        router.collect(self)

    @subcommand("feedback", usage=QUICK_USAGE)
    async def feedback(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        """Log a customer's words on an order (sentiment and tags follow from the card's Edit);
        `feedback report [7d|30d|90d] [team:X]` shows the trends, `feedback subscribe #channel
        [mon] [09:00] [team:X]` posts that report weekly, `feedback unsubscribe #channel` stops it.
        """
        word, _, rest = args.strip().partition(" ")
        handlers: dict[str, Handler] = {
            "report": self._report,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
        }
        handler = handlers.get(word.lower())
        if handler is None:
            await self._quick(ack, args, command)
        else:
            await handler(ack, rest.strip(), command)

    async def _quick(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        parts = unescape(args).strip().split(None, 1)
        if len(parts) < 2:
            await _usage(ack, "Give the order id and the customer's words.", QUICK_USAGE)
            return
        given = FeedbackInput(text=parts[1], external_id=parts[0])
        try:
            result = await self._services.feedback.log(given, actor=command["user_id"])
        except OrderNotFound as exc:
            suggestions = await self._services.orders.suggest(exc.external_id)
            text = not_found_text(exc.external_id, suggestions)
            blocks = build_not_found(exc.external_id, suggestions)
            await ack(response_type="ephemeral", text=text, blocks=to_wire(blocks))
            return
        except InvalidInput as exc:
            await _usage(ack, exc.message, QUICK_USAGE)
            return
        except PermissionDenied as exc:
            await ack(response_type="ephemeral", text=exc.message)
            return
        orders, entry = self._services.orders, result.entry
        detail = await orders.detail(parts[0])
        blocks = build_feedback_logged(detail, entry, orders.today(), orders.zone, result.duplicate)
        text = feedback_logged_text(entry, result.duplicate)
        await ack(response_type="ephemeral", text=text, blocks=to_wire(blocks))

    async def _report(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        try:
            days, team = report_args(args)
            report = await self._services.feedback.report(days, team)
        except UsageError as exc:
            await _usage(ack, str(exc), REPORT_USAGE)
            return
        except InvalidInput as exc:
            await _usage(ack, exc.message, REPORT_USAGE)
            return
        blocks = build_feedback_report(report, self._services.orders.zone)
        await ack(
            response_type="ephemeral", text=feedback_report_text(report), blocks=to_wire(blocks)
        )

    async def _subscribe(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        try:
            given = schedule_args(args, command.get("channel_id"))
            subscription = await self._services.feedback_digests.subscribe(
                given.channel_id, actor=command["user_id"], day=given.day, at=given.at,
                team=given.team,
            )  # fmt: skip
        except UsageError as exc:
            await _usage(ack, str(exc), SUBSCRIBE_USAGE)
            return
        except (InvalidInput, PermissionDenied) as exc:
            await _usage(ack, exc.message, SUBSCRIBE_USAGE)
            return
        text = subscribed_text(subscription, self._services.orders.zone)
        await ack(response_type="ephemeral", text=text)

    async def _unsubscribe(self, ack: AsyncAck, args: str, command: dict[str, Any]) -> None:
        try:
            given = schedule_args(args, command.get("channel_id"))
            if given != ScheduleArgs(given.channel_id):
                raise UsageError("Name only the channel.")
            digests = self._services.feedback_digests
            stopped = await digests.unsubscribe(given.channel_id, actor=command["user_id"])
        except UsageError as exc:
            await _usage(ack, str(exc), UNSUBSCRIBE_USAGE)
            return
        except PermissionDenied as exc:
            await ack(response_type="ephemeral", text=exc.message)
            return
        await ack(response_type="ephemeral", text=unsubscribed_text(given.channel_id, stopped))


def report_args(args: str) -> tuple[int, str | None]:
    """`[7d|30d|90d] [team:X]` -> (days, team); 7 days unless told."""
    days, team = 7, None
    for token in _tokens(args):
        period = _PERIOD.fullmatch(token)
        if period:
            days = int(period[1])
        elif token.lower().startswith("team:") and token[5:].strip():
            team = token[5:].strip()
        else:
            raise UsageError(f"`{token}` is neither a period (7d, 30d, 90d) nor team:X.")
    return days, team


def schedule_args(args: str, here: str | None) -> ScheduleArgs:
    """`[#channel] [day] [HH:MM] [team:X]`; the channel defaults to where the command ran."""
    channel, day, at, team = None, None, None, None
    for token in _tokens(args):
        mention = _CHANNEL.fullmatch(token)
        if mention:
            channel = mention[1]
        elif token.lower().startswith("team:") and token[5:].strip():
            team = token[5:].strip()
        elif _TIME.fullmatch(token):
            at = token
        elif day is None:
            day = token.lower()
        else:
            raise UsageError(f"`{token}` is not a channel, day, HH:MM time or team:X.")
    channel = channel or (here if here and here[:1] in "CG" else None)
    if channel is None:
        raise UsageError("Name the channel, like #cs-leads.")
    return ScheduleArgs(channel, day, at, team)


def _tokens(args: str) -> list[str]:
    try:
        return shlex.split(unescape(args))
    except ValueError as exc:
        raise UsageError(f"Unbalanced quotes ({exc}).") from None


async def _usage(ack: AsyncAck, problem: str, usage: str) -> None:
    text = f"{problem} Usage: {usage}"
    await ack(response_type="ephemeral", text=text, blocks=to_wire(build_usage(problem, usage)))
