"""A realistic backlog around today, generated from a seed and written through the services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.bootstrap.container import Services
from bot.sandbox.people import DIGEST_CHANNEL, PEOPLE, TEAMS
from bot.services.core.roles import Role
from bot.services.core.schedule import DAY_NAMES
from bot.services.digests.drafts import SubscriptionDraft
from bot.services.digests.subscriptions import Actor
from bot.services.feedback.entries import FeedbackInput
from bot.services.orders.actions.inputs import EtaReason
from storage.feedback.tables import FeedbackTag, Sentiment
from storage.orders.lookups import OrderFilter

DEMO_ORDERS = 360
FIRST_ORDER = 10_001
_CUSTOMERS = (
    "Acme Retail", "Borealis Foods", "Cobalt Clinics", "Delta Hardware", "Evergreen Schools",
    "Fjord Logistics", "Granite Builders", "Harbor Pharmacy", "Ionic Labs", "Juniper Hotels",
    "Kestrel Airlines", "Lumen Studios", "Meridian Bank", "Nimbus Cafes", "Orchid Spa Group",
    "Pioneer Farms", "Quartz Dental", "Redwood Outfitters", "Saffron Kitchens", "Tidal Marine",
)  # fmt: skip
_SUPPLIERS = (
    "Northwind Components", "Sunrise Plastics", "Kagawa Precision", "Baltic Steelworks",
    "Andes Textiles", "Rhine Electronics", "Pacific Packaging", "Sahara Glass",
)  # fmt: skip
_PRODUCTS = (
    "Steel shelving unit", "LED panel 60x60", "Nitrile gloves (box)", "Pallet wrap 500 m",
    "Espresso grinder", "Hospital bed rail", "Safety boots", "Solar inverter 5 kW",
    "Office chair", "Cold-chain sensor", "Ceramic tiles (m²)", "Router AX3000",
)  # fmt: skip
_OPEN = ("received", "confirmed", "backordered", "partially_filled")
_WORDS = (
    ("Customer asked again when the {p} ship; third time this week.", Sentiment.NEGATIVE,
     {FeedbackTag.DELAY_COMPLAINT}),
    ("If the {p} are not here by Friday we cancel the order and go elsewhere.",
     Sentiment.NEGATIVE, {FeedbackTag.CANCELLATION_THREAT, FeedbackTag.DELAY_COMPLAINT}),
    ("Thanks for the heads-up on the new date, that works for us.", Sentiment.POSITIVE,
     {FeedbackTag.PRAISE}),
    ("Two of the {p} arrived scratched; they want replacements.", Sentiment.NEGATIVE,
     {FeedbackTag.PRODUCT_QUALITY}),
    ("Asked whether the price of the {p} holds for a repeat order.", Sentiment.NEUTRAL,
     {FeedbackTag.PRICING}),
)  # fmt: skip


@dataclass(frozen=True)
class DemoSummary:
    """What was written."""

    orders: int
    slipped: int
    snoozed: int
    feedback: int
    digest_at: str


async def is_empty(services: Services) -> bool:
    """Whether the database holds no open order yet."""
    return (await services.orders.page(OrderFilter(), limit=1)).total == 0


async def seed_demo(services: Services, today: date, now: datetime, seed: int = 15) -> DemoSummary:
    """Orders over three teams, then slips, snoozes, feedback and a digest due soon."""
    rng = random.Random(seed)
    rows = demo_orders(rng, today)
    for start in range(0, len(rows), 200):
        result = await services.ingest.submit(rows[start : start + 200])
        problems = [item.problems for item in result.items if item.problems]
        if problems:
            raise ValueError(f"demo orders refused: {problems[:3]}")
    open_ids = [r["order_id"] for r in rows if r["status"] in _OPEN]
    slipped = await _slips(services, rng, open_ids[:60], today)
    snoozed = await _snoozes(services, rng, open_ids[60:72], now)
    feedback = await _feedback(services, rng, open_ids[72:96])
    digest_at = await _digest(services, now)
    return DemoSummary(len(rows), slipped, snoozed, feedback, digest_at)


def demo_orders(rng: random.Random, today: date) -> list[dict[str, Any]]:
    """The demo's orders as the ingest API takes them (the first draws of `rng`)."""
    return [_order(rng, n, today) for n in range(DEMO_ORDERS)]


def quiet_open_orders(today: date, seed: int = 15) -> list[str]:
    """Open demo orders that the demo leaves alone (no slip, snooze or feedback)."""
    rows = demo_orders(random.Random(seed), today)
    return [r["order_id"] for r in rows if r["status"] in _OPEN][96:]


def _order(rng: random.Random, n: int, today: date) -> dict[str, Any]:
    is_open = rng.random() < 0.7
    ordered = today - timedelta(days=rng.randrange(3, 60))
    promised = ordered + timedelta(days=rng.randrange(7, 45))
    eta = promised + timedelta(days=rng.randrange(-2, 12)) if rng.random() < 0.6 else None
    rep = PEOPLE[rng.randrange(2)] if rng.random() < 0.8 else PEOPLE[2]
    return {
        "order_id": f"SO-{FIRST_ORDER + n}",
        "customer": rng.choice(_CUSTOMERS),
        "ordered_at": ordered.isoformat(),
        "promised_date": promised.isoformat(),
        "owner": rep.user_id,
        "team": TEAMS[n % len(TEAMS)],
        "sku": f"SKU-{rng.randrange(100, 160)}",
        "product": rng.choice(_PRODUCTS),
        "supplier": rng.choice(_SUPPLIERS),
        "quantity": rng.randrange(1, 400),
        "value": f"{rng.uniform(80, 48_000):.2f}",
        "currency": rng.choice(("USD", "EUR", "GBP")),
        "status": rng.choice(_OPEN) if is_open else rng.choice(("filled", "filled", "cancelled")),
        "eta": eta.isoformat() if eta else "",
    }


async def _slips(services: Services, rng: random.Random, ids: list[str], today: date) -> int:
    reasons = list(EtaReason)
    for index, external_id in enumerate(ids):
        new_eta = today + timedelta(days=rng.randrange(3, 30))
        told = index % 3 != 0  # every third slip: the customer has not been told yet
        await services.actions.change_eta(
            external_id, new_eta, rng.choice(reasons), "Supplier moved the ship date", told,
            actor=PEOPLE[index % 2].user_id, expected_version=None,
        )  # fmt: skip
    return len(ids)


async def _snoozes(services: Services, rng: random.Random, ids: list[str], now: datetime) -> int:
    for external_id in ids:
        until = now + timedelta(days=rng.randrange(1, 6))
        await services.actions.snooze(
            external_id, until, "Waiting for the supplier's confirmation",
            actor=PEOPLE[0].user_id, expected_version=None,
        )  # fmt: skip
    return len(ids)


async def _feedback(services: Services, rng: random.Random, ids: list[str]) -> int:
    for external_id in ids:
        words, sentiment, tags = rng.choice(_WORDS)
        text = words.format(p=rng.choice(_PRODUCTS).lower())
        given = FeedbackInput(text, sentiment, frozenset(tags), external_id=external_id)
        await services.feedback.log(given, actor=PEOPLE[rng.randrange(2)].user_id)
    return len(ids)


async def _digest(services: Services, now: datetime) -> str:
    """A digest of the EMEA team's lagging orders, due a few minutes from now."""
    zone = services.feedback.zone
    local = now.astimezone(zone) + timedelta(minutes=3)
    at = time(local.hour, local.minute).strftime("%H:%M")
    draft = SubscriptionDraft.new(DIGEST_CHANNEL, str(zone))
    draft = SubscriptionDraft(**{**draft.__dict__, "days": DAY_NAMES, "times": at})
    admin = PEOPLE[2]
    await services.digests.subscriptions.create(draft, Actor(admin.user_id, Role.ADMIN, True))
    return at
