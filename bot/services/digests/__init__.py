"""Scheduled digests of lagging orders: content, subscriptions and exactly-once delivery."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.core.tallies import Tallies
from bot.services.digests.claims import LEASE, DigestClaims
from bot.services.digests.composer import (
    DigestComposer,
    FreshnessSource,
    Threats,
    no_sync,
    no_threats,
)
from bot.services.digests.delivery import DigestDeliveries
from bot.services.digests.subscriptions import DigestSubscriptions
from bot.services.orders.lagging import LagRules


@dataclass
class Digests:
    """The digest services one process shares."""

    composer: DigestComposer
    deliveries: DigestDeliveries
    subscriptions: DigestSubscriptions


def build_digests(
    sessions: async_sessionmaker[AsyncSession],
    clock: Callable[[], datetime],
    zone: tzinfo,
    rules: LagRules | None = None,
    owner: str | None = None,
    threats: Threats = no_threats,
    freshness: FreshnessSource = no_sync,
    lease: timedelta = LEASE,
    tallies: Tallies | None = None,
) -> Digests:
    """Digest services on one database; `owner` names this process in delivery claims;
    `threats` names the open orders customers threatened to cancel (listed first);
    `freshness` says how fresh synced orders are (the digest's "orders synced" line); a claim
    not renewed for `lease` is taken over; `tallies` count posted and failed digests."""
    composer = DigestComposer(sessions, clock, zone, rules, threats, freshness)
    claims = DigestClaims(sessions, clock, owner, lease)
    return Digests(
        composer,
        DigestDeliveries(sessions, clock, composer, claims, tallies),
        DigestSubscriptions(sessions, clock, composer),
    )
