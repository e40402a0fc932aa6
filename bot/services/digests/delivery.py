"""Delivering a digest slot exactly once: claim, compose, record progress and the outcome.

Posting itself is Slack's business (bot/jobs/digests/slot_jobs.py); this side decides who
posts, what, and remembers how it went: the claim row, the snapshot the next digest compares with,
and the
subscription's last success or error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.schedule import DigestSchedule, Slot, next_slots
from bot.services.core.tallies import Tallies, Tally
from bot.services.digests.claims import Claim, DigestClaims
from bot.services.digests.composer import DigestComposer
from bot.services.digests.content import DigestContent, snapshot_from_json, snapshot_json
from bot.services.digests.spec import DigestSpec
from storage.digests import runs as digest_queries
from storage.digests import subscriptions as digest_subscriptions
from storage.digests.tables import DigestSubscription

# Slack errors that mean the channel cannot take the digest until someone acts.
CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


@dataclass(frozen=True)
class Delivery:
    """A digest this process is to post: the claim (None for a test), what, and how far it got."""

    claim: Claim | None
    subscription: DigestSubscription
    content: DigestContent
    message_ts: str | None = None  # the main message, when an earlier holder posted it
    parts_posted: int = 0  # messages already out (main message and thread replies)

    @property
    def test(self) -> bool:
        return self.claim is None

    @property
    def skip(self) -> bool:
        """An empty digest the subscription does not want posted."""
        return not self.test and self.subscription.skip_when_empty and self.content.is_empty


def schedule_of(subscription: DigestSubscription) -> DigestSchedule:
    return DigestSchedule.parse(subscription.days, subscription.times, subscription.zone)


def due_slot(subscription: DigestSubscription, now: datetime) -> Slot | None:
    """The latest slot at or before `now` still within the subscription's grace, and after
    its last change: a digest created (or resumed, or moved) at 09:10 does not post 09:00.
    """
    schedule = schedule_of(subscription)
    grace = timedelta(minutes=subscription.grace_minutes)
    start = max(now - grace, subscription.updated_at)
    # Enough slots to cover the grace window whatever the number of times a day.
    count = len(schedule.times) * (grace.days + 2)
    slots = next_slots(schedule, start - timedelta(microseconds=1), count)
    due = [slot for slot in slots if slot.at <= now]
    return due[-1] if due else None


class DigestDeliveries:
    """Claims slots, composes their content and records what happened."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        composer: DigestComposer,
        claims: DigestClaims,
        tallies: Tallies | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._composer = composer
        self.claims = claims
        self._tallies = tallies or Tallies()

    async def begin(self, subscription_id: int, slot_key: str, at: datetime) -> Delivery | None:
        """The slot's delivery if this process wins its claim; None otherwise (or paused)."""
        subscription = await self._load(subscription_id)
        if subscription is None or subscription.paused:
            return None
        grace = timedelta(minutes=subscription.grace_minutes)
        claim = await self.claims.claim(subscription_id, slot_key, at, grace)
        if claim is None:
            return None
        message_ts, parts = (None, 0)
        if claim.takeover:
            message_ts, parts = await self.claims.progress_of(claim)
        content = await self._compose(subscription, subscription.max_rows)
        return Delivery(claim, subscription, content, message_ts, parts)

    async def now(self, subscription_id: int, *, test: bool) -> Delivery | None:
        """A delivery outside the schedule ("send now"); a test is neither claimed nor counted."""
        subscription = await self._load(subscription_id)
        if subscription is None:
            return None
        claim = None
        if not test:
            key = f"manual-{self._clock():%Y-%m-%dT%H:%M:%S}"
            claim = await self.claims.claim(subscription_id, key, self._clock(), self.claims.lease)
            if claim is None:
                return None
        content = await self._compose(subscription, subscription.max_rows)
        return Delivery(claim, subscription, content)

    async def preview(self, subscription_id: int, rows: int | None = None) -> Delivery | None:
        """The digest as of now, unclaimed (preview, "post all in thread"); `rows` overrides
        the subscription's max rows.
        """
        subscription = await self._load(subscription_id)
        if subscription is None:
            return None
        limit = subscription.max_rows if rows is None else rows
        return Delivery(None, subscription, await self._compose(subscription, limit))

    async def progress(self, delivery: Delivery, message_ts: str, parts_posted: int) -> bool:
        """Remember how far posting got, so a takeover continues instead of posting again.
        False when another process has taken the slot over: this one must stop posting.
        """
        if delivery.claim is None:
            return True
        return await self.claims.progress(delivery.claim, message_ts, parts_posted)

    async def delivered(self, delivery: Delivery, message_ts: str | None) -> bool:
        """Posted (or skipped when `message_ts` is None): the snapshot becomes the baseline.
        False, recording nothing, when another process has taken the slot over.
        """
        self._tallies.add(Tally.DIGESTS, "skipped" if message_ts is None else "posted")
        if delivery.claim is None:
            return True
        snapshot = snapshot_json(delivery.content.snapshot)
        if message_ts is None:
            held = await self.claims.skipped(delivery.claim, snapshot)
        else:
            held = await self.claims.posted(delivery.claim, message_ts, snapshot)
        if not held:
            return False
        values = {"last_success_at": self._clock(), "last_error": None, "last_error_at": None}
        await self._update(delivery.subscription, values)
        return True

    async def failed(self, delivery: Delivery, error: str) -> bool:
        """Slack refused for good: the slot is not retried. True when this error is news
        (the subscription was not already failing with it): time to tell its creator.
        A process whose slot was taken over records nothing: the new holder tells.
        """
        self._tallies.add(Tally.DIGESTS, "failed")
        if delivery.claim is not None and not await self.claims.failed(delivery.claim, error):
            return False
        return await self._record_error(delivery, error)

    async def interrupted(self, delivery: Delivery, error: str) -> bool:
        """A passing failure: the claim stays, and after the lease the slot is taken over.
        True when the error is news; a process whose slot was taken over meanwhile (it stood
        still past the lease) records nothing, as the new holder may well have posted.
        """
        self._tallies.add(Tally.DIGESTS, "failed")
        if delivery.claim is not None and not await self.claims.interrupted(delivery.claim, error):
            return False
        return await self._record_error(delivery, error)

    async def _record_error(self, delivery: Delivery, error: str) -> bool:
        fresh = await self._load(delivery.subscription.id or 0)
        news = fresh is not None and fresh.last_error != error
        values = {"last_error": error, "last_error_at": self._clock()}
        await self._update(delivery.subscription, values)
        return news

    async def abandoned(self) -> list[tuple[int, str, datetime]]:
        """Slots whose claim holder stopped before posting, still within their grace."""
        now = self._clock()
        async with self._sessions() as session:
            rows = await digest_queries.abandoned_claims(session, now - self.claims.lease)
        return [
            (row.subscription_id, row.slot_key, row.scheduled_at)
            for row in rows
            if now <= row.scheduled_at + timedelta(minutes=row.grace_minutes)
        ]

    async def due(self, subscription_id: int) -> Slot | None:
        """The slot of this subscription to deliver now, if any."""
        subscription = await self._load(subscription_id)
        if subscription is None or subscription.paused:
            return None
        return due_slot(subscription, self._clock())

    async def subscriptions(self) -> list[DigestSubscription]:
        """Every subscription (paused ones too)."""
        async with self._sessions() as session:
            return await digest_subscriptions.all_subscriptions(session)

    async def _compose(self, subscription: DigestSubscription, limit: int) -> DigestContent:
        assert subscription.id is not None
        async with self._sessions() as session:
            stored = await digest_queries.last_listed(session, subscription.id)
        previous = snapshot_from_json(stored)
        return await self._composer.compose(DigestSpec.of(subscription), previous, limit)

    async def _load(self, subscription_id: int) -> DigestSubscription | None:
        async with self._sessions() as session:
            return await digest_subscriptions.subscription_by_id(session, subscription_id)

    async def _update(self, subscription: DigestSubscription, values: Mapping[str, Any]) -> None:
        assert subscription.id is not None
        async with self._sessions() as session, session.begin():
            await digest_subscriptions.update_subscription(session, subscription.id, values)
