"""Digest content on both databases with a fixed clock: kinds, filters, counts, groups, caps."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from bot.bootstrap.container import Services
from bot.services.digests.composer import DigestComposer
from bot.services.digests.content import DigestContent, reason_bits
from bot.services.digests.spec import DigestFilters, DigestSpec, Grouping
from bot.services.feedback.entries import FeedbackInput
from bot.services.orders.lagging import LagKind, LagRules
from bot.services.sync import Freshness
from storage.feedback.tables import FeedbackTag, Sentiment
from tests.kit.digests import NOW, TODAY, YESTERDAY, add_orders, day, order_values, overdue


def composer(services: Services, rules: LagRules | None = None) -> DigestComposer:
    return DigestComposer(services.sessions, services.clock, UTC, rules)


async def compose(
    services: Services,
    spec: DigestSpec | None = None,
    previous: dict[int, int] | None = None,
    limit: int | None = None,
) -> DigestContent:
    return await composer(services).compose(spec or DigestSpec(), previous, limit)


def listed(content: DigestContent) -> list[str]:
    return [row.order.external_id for row in content.rows()]


# What `overdue()` orders lag by: promise passed, no ETA given, customer not told.
OVERDUE_REASONS = (LagKind.OVERDUE, LagKind.NO_ETA, LagKind.NOT_TOLD)
LAGGING_BY_KIND = {
    LagKind.OVERDUE: overdue(
        "SO-OVERDUE",
        current_eta=YESTERDAY,
        eta_changed_at=NOW - timedelta(days=2),
        last_contact_at=NOW,
    ),
    LagKind.SLIPPED: order_values(
        "SO-SLIPPED",
        promised_date=TODAY,
        current_eta=TODAY + timedelta(days=3),
        eta_changed_at=NOW - timedelta(days=1),
        last_contact_at=NOW,
    ),
    LagKind.NO_ETA: order_values("SO-NOETA", status="backordered"),
    LagKind.NOT_TOLD: order_values(
        "SO-NOTTOLD",
        current_eta=TODAY + timedelta(days=2),
        promised_date=TODAY + timedelta(days=5),
        eta_changed_at=NOW - timedelta(hours=1),
    ),
    LagKind.STALE: order_values("SO-STALE", last_activity_at=NOW - timedelta(days=8)),
    LagKind.AGING: order_values("SO-AGING", ordered_at=NOW - timedelta(days=40)),
}


@pytest.mark.parametrize("kind", list(LagKind))
async def test_digest_lists_an_order_only_for_the_kinds_it_asks_for(
    services: Services, kind: LagKind
):
    await add_orders(services, list(LAGGING_BY_KIND.values()))

    content = await compose(services, DigestSpec(kinds=frozenset({kind})))

    assert listed(content) == [LAGGING_BY_KIND[kind]["external_id"]]
    assert [row.reasons for row in content.rows()] == [(kind,)]


async def test_digest_with_every_kind_lists_each_lagging_order_once_with_all_its_reasons(
    services: Services,
):
    await add_orders(services, [*LAGGING_BY_KIND.values(), order_values("SO-FINE")])

    content = await compose(services)

    assert sorted(listed(content)) == sorted(o["external_id"] for o in LAGGING_BY_KIND.values())
    [overdue_row] = [r for r in content.rows() if r.order.external_id == "SO-OVERDUE"]
    assert overdue_row.reasons == (LagKind.OVERDUE,)
    assert content.counts.lagging == 6


async def test_digest_never_lists_closed_orders(services: Services):
    await add_orders(services, [overdue("SO-1", status="filled"), overdue("SO-2")])

    content = await compose(services)

    assert listed(content) == ["SO-2"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (DigestFilters(team="EMEA"), ["SO-1"]),
        (DigestFilters(owner="U0REP0002"), ["SO-2"]),
        (DigestFilters(supplier="acme"), ["SO-1"]),
        (DigestFilters(sku="sku-9"), ["SO-2"]),
        (DigestFilters(customer="clinic"), ["SO-2"]),
        (DigestFilters(statuses=frozenset({"backordered"})), ["SO-2"]),
        (DigestFilters(team="emea", owner="U0REP0002"), []),
    ],
)
async def test_digest_filters_by_team_owner_supplier_sku_customer_and_status(
    services: Services, filters: DigestFilters, expected: list[str]
):
    await add_orders(
        services,
        [
            overdue("SO-1", team="emea", owner="U0REP0001", supplier="Acme Parts", sku="SKU-1"),
            overdue(
                "SO-2",
                team="apac",
                owner="U0REP0002",
                supplier="Globex",
                sku="SKU-9",
                customer="City Clinic",
                status="backordered",
            ),
        ],
    )

    content = await compose(services, DigestSpec(filters=filters))

    assert listed(content) == expected


async def test_digest_minimum_age_leaves_out_younger_orders(services: Services):
    # Ordered Thursday 11-19: 3 business days old on Tuesday 11-24; Wednesday 11-18: 4.
    await add_orders(
        services,
        [
            overdue("SO-YOUNG", ordered_at=NOW - timedelta(days=5)),
            overdue("SO-OLD", ordered_at=NOW - timedelta(days=6)),
        ],
    )

    content = await compose(services, DigestSpec(min_age_days=4))

    assert listed(content) == ["SO-OLD"]
    assert [row.age_days for row in content.rows()] == [4]


async def test_digest_counts_snoozed_lagging_orders_without_listing_them(services: Services):
    await add_orders(
        services,
        [
            overdue("SO-SNOOZED", snoozed_until=NOW + timedelta(days=1)),
            overdue("SO-WOKE", snoozed_until=NOW - timedelta(minutes=1)),
            order_values("SO-SNOOZED-FINE", snoozed_until=NOW + timedelta(days=1)),
        ],
    )

    content = await compose(services)

    assert listed(content) == ["SO-WOKE"]
    assert (content.counts.lagging, content.counts.snoozed) == (1, 1)


async def test_first_digest_has_no_new_or_resolved_counts(services: Services):
    await add_orders(services, [overdue("SO-1")])

    content = await compose(services, previous=None)

    assert (content.counts.new, content.counts.resolved) == (None, None)
    assert [row.new for row in content.rows()] == [False]


async def test_digest_counts_new_and_resolved_against_the_previous_snapshot(services: Services):
    ids = await add_orders(
        services,
        [
            overdue("SO-STILL"), overdue("SO-NEW"), order_values("SO-FIXED"),
            order_values("SO-CLOSED", status="filled"),
            overdue("SO-SNOOZED", snoozed_until=NOW + timedelta(days=2)),
        ],
    )  # fmt: skip
    bits = reason_bits((LagKind.OVERDUE,))
    previous = {ids[name]: bits for name in ("SO-STILL", "SO-FIXED", "SO-CLOSED", "SO-SNOOZED")}

    content = await compose(services, previous=previous)

    assert (content.counts.lagging, content.counts.new, content.counts.resolved) == (2, 1, 2)
    assert {row.order.external_id: row.new for row in content.rows()} == {
        "SO-NEW": True,
        "SO-STILL": False,
    }
    assert set(content.snapshot) == {ids["SO-STILL"], ids["SO-NEW"]}


async def test_digest_counts_customers_not_told_once_per_customer(services: Services):
    await add_orders(
        services,
        [
            overdue("SO-1", customer="Acme"),
            overdue("SO-2", customer="Acme"),
            overdue("SO-3", customer="Globex"),
            overdue("SO-4", customer="Initech", last_contact_at=NOW),
        ],
    )

    content = await compose(services)

    assert (content.counts.not_told_orders, content.counts.not_told_customers) == (3, 2)


@pytest.mark.parametrize(
    ("grouping", "keys"),
    [
        (Grouping.OWNER, ["U0REP0002", "U0REP0001", None]),
        (Grouping.SUPPLIER, ["Acme", "Globex"]),
        (Grouping.CUSTOMER, ["Beta", "Alpha"]),
        (Grouping.NONE, [None]),
    ],
)
async def test_digest_groups_rows_biggest_group_first_and_unset_last(
    services: Services, grouping: Grouping, keys: list[str | None]
):
    await add_orders(
        services,
        [
            overdue("SO-1", owner="U0REP0001", supplier="Acme", customer="Alpha"),
            overdue("SO-2", owner="U0REP0002", supplier="Acme", customer="Beta"),
            overdue("SO-3", owner="U0REP0002", supplier="Globex", customer="Beta"),
            overdue("SO-4", owner=None, supplier="Acme", customer="Beta"),
        ],
    )

    content = await compose(services, DigestSpec(grouping=grouping))

    assert [group.key for group in content.groups] == keys
    assert content.listed == 4


async def test_digest_rows_are_most_overdue_first(services: Services):
    await add_orders(
        services,
        [
            overdue("SO-B", promised_date=YESTERDAY),
            overdue("SO-A", promised_date=YESTERDAY),
            overdue("SO-OLDEST", promised_date=day("2026-11-02")),
        ],
    )

    content = await compose(services, DigestSpec(grouping=Grouping.NONE))

    assert listed(content) == ["SO-OLDEST", "SO-A", "SO-B"]


async def test_digest_max_rows_lists_the_most_overdue_and_counts_the_rest(services: Services):
    await add_orders(
        services,
        [overdue(f"SO-{n}", promised_date=day("2026-11-01") + timedelta(days=n)) for n in range(7)],
    )

    content = await compose(services, DigestSpec(grouping=Grouping.NONE), limit=3)

    assert listed(content) == ["SO-0", "SO-1", "SO-2"]
    assert (content.more, content.counts.lagging) == (4, 7)


async def test_supply_clusters_need_three_lagging_orders_sharing_a_supplier_or_sku(
    services: Services,
):
    await add_orders(
        services,
        [
            overdue("SO-1", supplier="Acme", sku="SKU-1"),
            overdue("SO-2", supplier="Acme", sku="SKU-1"),
            overdue("SO-3", supplier="Acme", sku="SKU-2"),
            overdue("SO-4", supplier="Globex", sku="SKU-1"),
            overdue("SO-5", supplier="Globex", sku="SKU-3"),
            order_values("SO-6", supplier="Globex"),  # not lagging: not in the cluster
        ],
    )

    content = await compose(services)

    assert [(c.field, c.name, c.count) for c in content.clusters] == [
        ("sku", "SKU-1", 3),
        ("supplier", "Acme", 3),
    ]


async def test_only_changes_lists_new_orders_and_new_reasons_but_counts_everything(
    services: Services,
):
    ids = await add_orders(
        services,
        [
            overdue("SO-SAME"),
            overdue("SO-WORSE", last_activity_at=NOW - timedelta(days=10)),
            overdue("SO-NEW"),
        ],
    )
    before = reason_bits(OVERDUE_REASONS)
    previous = {ids["SO-SAME"]: before, ids["SO-WORSE"]: before}

    content = await compose(services, DigestSpec(only_changes=True), previous)

    assert sorted(listed(content)) == ["SO-NEW", "SO-WORSE"]
    assert (content.counts.lagging, content.candidates) == (3, 2)


async def test_only_changes_with_nothing_new_is_empty(services: Services):
    ids = await add_orders(services, [overdue("SO-SAME")])
    previous = {ids["SO-SAME"]: reason_bits(OVERDUE_REASONS)}

    content = await compose(services, DigestSpec(only_changes=True), previous)

    assert content.is_empty
    assert content.counts.lagging == 1


async def test_digest_thresholds_come_from_the_spec(services: Services):
    # Last activity Thursday 11-19: 3 business days idle on Tuesday 11-24.
    await add_orders(services, [order_values("SO-1", last_activity_at=NOW - timedelta(days=5))])
    stale = DigestSpec(kinds=frozenset({LagKind.STALE}), stale_after=3)

    listed_at_3 = listed(await compose(services, stale))
    listed_at_4 = listed(await compose(services, DigestSpec(kinds=stale.kinds, stale_after=4)))

    assert (listed_at_3, listed_at_4) == (["SO-1"], [])


async def test_digest_counts_business_days_without_the_team_holidays(services: Services):
    # Idle since Tuesday 11-17: 5 business days, 4 for emea with its holiday on Friday 11-20.
    idle = NOW - timedelta(days=7)
    await add_orders(
        services,
        [
            order_values("SO-EMEA", team="emea", last_activity_at=idle),
            order_values("SO-APAC", team="apac", last_activity_at=idle),
        ],
    )
    rules = LagRules(team_holidays={"EMEA": [day("2026-11-20")]})

    content = await composer(services, rules).compose(
        DigestSpec(kinds=frozenset({LagKind.STALE})), None, None
    )

    assert listed(content) == ["SO-APAC"]


async def test_customers_not_told_count_whatever_kinds_the_digest_lists(services: Services):
    await add_orders(services, [overdue("SO-1", customer="Acme"), overdue("SO-2", customer="Beta")])

    content = await compose(services, DigestSpec(kinds=frozenset({LagKind.OVERDUE})))

    assert [row.reasons for row in content.rows()] == [(LagKind.OVERDUE,), (LagKind.OVERDUE,)]
    assert (content.counts.not_told_orders, content.counts.not_told_customers) == (2, 2)


async def _threaten(services: Services, external_id: str, text: str) -> None:
    await services.feedback.log(
        FeedbackInput(
            text=text,
            sentiment=Sentiment.NEGATIVE,
            tags=frozenset({FeedbackTag.CANCELLATION_THREAT}),
            external_id=external_id,
        ),
        actor="U0REP1",
    )


async def test_cancellation_threats_are_listed_first_with_the_reason_lagging_or_not(
    services: Services,
):
    await add_orders(
        services,
        [
            overdue("SO-LATE-A", team="emea", promised_date=YESTERDAY - timedelta(days=5)),
            overdue("SO-LATE-B", team="emea"),
            order_values("SO-ON-TRACK", team="emea"),
            order_values("SO-OTHER-TEAM", team="apac"),
        ],
    )
    await _threaten(services, "SO-LATE-B", "We will cancel if it is not here Friday")
    await _threaten(services, "SO-ON-TRACK", "Second delay and we go elsewhere")
    await _threaten(services, "SO-OTHER-TEAM", "Cancel it")
    threats = services.feedback.open_cancellation_threats
    spec = DigestSpec(filters=DigestFilters(team="emea"))

    content = await DigestComposer(services.sessions, services.clock, UTC, threats=threats).compose(
        spec, None, limit=1
    )

    assert [row.order.external_id for row in content.threats] == ["SO-LATE-B", "SO-ON-TRACK"]
    assert all("cancel" in (row.threat or "").lower() for row in content.threats)
    assert content.threats[1].reasons == ()
    assert listed(content) == ["SO-LATE-B", "SO-ON-TRACK", "SO-LATE-A"]
    assert content.counts.lagging == 2


async def test_digest_carries_the_freshness_of_the_synced_orders(services: Services):
    await add_orders(services, [overdue("SO-LATE-A")])
    synced = Freshness(NOW - timedelta(minutes=12), behind=False)

    async def freshness() -> Freshness | None:
        return synced

    fed = DigestComposer(services.sessions, services.clock, UTC, freshness=freshness)

    assert (await fed.compose(DigestSpec(), None, None)).freshness == synced
    assert (await compose(services)).freshness is None
