"""Digest subscriptions: validated input, previews, and changes with their permission rule.

Who may change a subscription: reps and admins, and only admins in a channel they are not a
member of (Slack knows membership: the caller asks it and passes the answer in).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.errors import NotFound
from bot.services.core.roles import PermissionDenied, Role
from bot.services.core.schedule import describe, format_days, format_times, next_runs
from bot.services.digests.composer import DigestComposer
from bot.services.digests.delivery import schedule_of
from bot.services.digests.drafts import SubscriptionDraft, SubscriptionInput
from storage.digests import subscriptions as digest_subscriptions
from storage.digests.tables import DigestSubscription

log = logging.getLogger(__name__)
Changed = Callable[[], Awaitable[None]]
PREVIEW_RUNS = 3


class SubscriptionNotFound(NotFound):
    """No subscription has that id."""

    def __init__(self, subscription_id: int) -> None:
        super().__init__(f"No digest subscription #{subscription_id}.")
        self.subscription_id = subscription_id


@dataclass(frozen=True)
class Preview:
    """What the modal shows before saving: the next runs and how many orders would be listed."""

    next_runs: list[datetime]
    lagging: int
    listed: int
    schedule: str


@dataclass(frozen=True)
class SubscriptionStatus:
    """A subscription as the list shows it."""

    subscription: DigestSubscription
    schedule: str  # "Mon–Fri at 08:30 (Europe/Berlin)"
    next_run: datetime | None  # None while paused


@dataclass(frozen=True)
class Actor:
    """Who asks for a change: their role, and whether they are in the channels concerned."""

    user_id: str
    role: Role
    member: bool  # of the subscription's channel (for an edit: of both the old and new one)


class DigestSubscriptions:
    """Creates, changes, pauses and removes subscriptions; tells listeners (the scheduler)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        composer: DigestComposer,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._composer = composer
        self._on_change: list[Changed] = []

    def on_change(self, callback: Changed) -> None:
        """Call `callback` after every change made through this service."""
        self._on_change.append(callback)

    async def preview(self, draft: SubscriptionDraft) -> Preview:
        """The next runs and the current count, or InvalidSubscription with every problem."""
        valid = draft.validate()
        content = await self._composer.compose(valid.spec, None, valid.spec.max_rows)
        runs = next_runs(valid.schedule, self._clock(), PREVIEW_RUNS)
        return Preview(runs, content.candidates, content.listed, describe(valid.schedule))

    def next_runs(self, draft: SubscriptionDraft) -> tuple[list[datetime], str]:
        """The next runs of a valid draft and its schedule in words (no database work)."""
        schedule = draft.validate().schedule
        return next_runs(schedule, self._clock(), PREVIEW_RUNS), describe(schedule)

    def authorise(self, actor: Actor) -> None:
        """PermissionDenied unless `actor` may change (or test) a digest of that channel."""
        _allowed(actor)

    async def get(self, subscription_id: int) -> DigestSubscription:
        async with self._sessions() as session:
            found = await digest_subscriptions.subscription_by_id(session, subscription_id)
        if found is None:
            raise SubscriptionNotFound(subscription_id)
        return found

    async def listing(self) -> list[SubscriptionStatus]:
        """Every subscription with its schedule in words and its next run."""
        async with self._sessions() as session:
            subs = await digest_subscriptions.all_subscriptions(session)
        now = self._clock()
        found = []
        for sub in subs:
            schedule = schedule_of(sub)
            upcoming = None if sub.paused else next_runs(schedule, now, 1)[0]
            found.append(SubscriptionStatus(sub, describe(schedule), upcoming))
        return found

    async def create(self, draft: SubscriptionDraft, actor: Actor) -> DigestSubscription:
        """A new subscription created by `actor` (told when its delivery fails)."""
        valid = draft.validate()
        _allowed(actor)
        now = self._clock()
        row = DigestSubscription(
            **_columns(valid), created_by=actor.user_id, created_at=now, updated_at=now
        )
        async with self._sessions() as session, session.begin():
            session.add(row)
        await self._changed()
        return row

    async def update(
        self, subscription_id: int, draft: SubscriptionDraft, actor: Actor
    ) -> DigestSubscription:
        """Replace what the subscription lists and when; its history stays."""
        valid = draft.validate()
        _allowed(actor)
        return await self._set(subscription_id, {**_columns(valid)})

    async def set_paused(
        self, subscription_id: int, paused: bool, actor: Actor
    ) -> DigestSubscription:
        _allowed(actor)
        return await self._set(subscription_id, {"paused": paused})

    async def remove(self, subscription_id: int, actor: Actor) -> DigestSubscription:
        """Delete the subscription and its delivery history."""
        _allowed(actor)
        found = await self.get(subscription_id)
        async with self._sessions() as session, session.begin():
            await digest_subscriptions.delete_subscription(session, subscription_id)
        await self._changed()
        return found

    async def _set(self, subscription_id: int, values: dict[str, Any]) -> DigestSubscription:
        values["updated_at"] = self._clock()
        async with self._sessions() as session, session.begin():
            if not await digest_subscriptions.update_subscription(session, subscription_id, values):
                raise SubscriptionNotFound(subscription_id)
        await self._changed()
        return await self.get(subscription_id)

    async def _changed(self) -> None:
        for callback in self._on_change:
            try:
                await callback()
            except Exception:  # the change is saved; a listener's trouble must not undo it
                log.exception("a digest subscription listener failed")


def _allowed(actor: Actor) -> None:
    if actor.role is Role.VIEWER:
        raise PermissionDenied(actor.user_id, Role.REP, actor.role, "change digests")
    if not actor.member and actor.role is not Role.ADMIN:
        action = "change digests of channels they are not a member of"
        raise PermissionDenied(actor.user_id, Role.ADMIN, actor.role, action)


def _columns(valid: SubscriptionInput) -> dict[str, Any]:
    return {
        "channel_id": valid.channel_id,
        "days": format_days(valid.schedule.days),
        "times": format_times(valid.schedule.times),
        "zone": valid.schedule.zone,
        **valid.spec.columns(),
        "skip_when_empty": valid.skip_when_empty,
        "grace_minutes": valid.grace_minutes,
    }
