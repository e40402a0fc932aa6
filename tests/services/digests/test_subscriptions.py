"""Digest subscriptions: every field's problem, the permission rule, previews and changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.bootstrap.container import Services
from bot.services.core.roles import PermissionDenied, Role
from bot.services.digests.drafts import InvalidSubscription, SubscriptionDraft
from bot.services.digests.spec import Grouping
from bot.services.digests.subscriptions import Actor, SubscriptionNotFound
from bot.services.orders.lagging import LagKind
from tests.kit.digests import add_orders, order_values, overdue

REP = Actor("U0REP0001", Role.REP, member=True)
OUTSIDER = Actor("U0REP0002", Role.REP, member=False)
LEAD_OUTSIDE = Actor("U0LEAD001", Role.ADMIN, member=False)
VIEWER = Actor("U0VIEW001", Role.VIEWER, member=True)


def draft(**overrides: object) -> SubscriptionDraft:
    values: dict[str, object] = {
        "channel_id": "C0DIGEST",
        "days": ("mon", "tue", "wed", "thu", "fri"),
        "times": "08:30, 16:00",
        "zone": "Europe/Berlin",
        "kinds": tuple(kind.value for kind in LagKind),
    }
    values.update(overrides)
    return SubscriptionDraft(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"channel_id": None}, "channel", "Pick the channel the digest goes to."),
        ({"days": ()}, "days", "Pick at least one day of the week."),
        ({"times": ""}, "times", "Give at least one time, like 08:30 or 08:30, 16:00."),
        ({"times": "8.30"}, "times", "'8.30' is not a time; use 24-hour HH:MM, like 08:30"),
        ({"times": "25:00"}, "times", "'25:00' is not a time; use 24-hour HH:MM, like 08:30"),
        ({"times": "09:00, 9:00"}, "times", "09:00 is listed twice."),
        (
            {"zone": "Mars/Olympus"}, "zone",
            "'Mars/Olympus' is not an IANA time zone; use a name like Europe/Berlin",
        ),
        ({"kinds": ()}, "kinds", "Pick at least one reason an order counts as lagging."),
        ({"min_age": "-1"}, "min_age", "Minimum age must be a whole number from 0 to 365."),
        ({"min_age": "two"}, "min_age", "'two' is not a whole number."),
        ({"max_rows": "0"}, "max_rows", "Max rows must be a whole number from 1 to 2000."),
        ({"max_rows": "2001"}, "max_rows", "Max rows must be a whole number from 1 to 2000."),
        ({"stale_after": "0"}, "stale_after", "Stale after must be a whole number from 1 to 365."),
        ({"aging_after": "366"}, "aging_after", "Aging after must be a whole number from 1 to 365."),  # noqa: E501
        ({"grouping": "team"}, "grouping", "Group by owner, supplier, customer or none."),
        ({"statuses": ("filled",)}, "statuses", "filled: a digest lists open orders only"),
        ({"grace_minutes": "0"}, "grace_minutes", "Late delivery must be from 1 to 1440 minutes."),
    ],
)  # fmt: skip
def test_draft_names_the_field_at_fault(overrides: dict[str, object], field: str, message: str):
    with pytest.raises(InvalidSubscription) as caught:
        draft(**overrides).validate()

    assert caught.value.errors == {field: message}


def test_draft_reports_every_bad_field_at_once():
    bad = draft(days=(), times="99:99", zone="Nowhere", max_rows="x", kinds=())

    with pytest.raises(InvalidSubscription) as caught:
        bad.validate()

    assert set(caught.value.errors) == {"days", "times", "zone", "max_rows", "kinds"}


def test_valid_draft_reads_schedule_spec_and_options():
    valid = draft(
        team="emea", owner="U0REP0001", statuses=("backordered",), kinds=("overdue", "stale"),
        min_age="3", max_rows="50", grouping="supplier", stale_after="4", aging_after="30",
        grace_minutes="15", skip_when_empty=True, only_changes=True,
    ).validate()  # fmt: skip

    assert (valid.channel_id, valid.schedule.zone, valid.grace_minutes) == (
        "C0DIGEST",
        "Europe/Berlin",
        15,
    )
    assert valid.schedule.days == frozenset(range(5))
    spec = valid.spec
    assert spec.kinds == {LagKind.OVERDUE, LagKind.STALE}
    assert (spec.min_age_days, spec.max_rows, spec.stale_after, spec.aging_after) == (3, 50, 4, 30)
    assert (spec.grouping, spec.only_changes) == (Grouping.SUPPLIER, True)
    assert (spec.filters.team, spec.filters.owner, spec.filters.statuses) == (
        "emea", "U0REP0001", frozenset({"backordered"}),
    )  # fmt: skip
    assert valid.skip_when_empty is True


async def test_create_stores_the_canonical_schedule_and_spec(services: Services):
    created = await services.digests.subscriptions.create(
        draft(times="16:00,08:30", team="emea", kinds=("overdue",)), REP
    )

    stored = await services.digests.subscriptions.get(created.id or 0)
    assert (stored.days, stored.times, stored.zone) == ("mon-fri", "08:30,16:00", "Europe/Berlin")
    assert (stored.filters, stored.kinds, stored.created_by) == (
        {"team": "emea"},
        ["overdue"],
        REP.user_id,
    )


@pytest.mark.parametrize(
    ("actor", "allowed"), [(REP, True), (OUTSIDER, False), (LEAD_OUTSIDE, True), (VIEWER, False)]
)
async def test_only_admins_change_digests_of_channels_they_are_not_in(
    services: Services, actor: Actor, allowed: bool
):
    subscriptions = services.digests.subscriptions
    existing = await subscriptions.create(draft(), REP)

    if allowed:
        await subscriptions.set_paused(existing.id or 0, True, actor)
        await subscriptions.create(draft(), actor)
        return
    for change in (
        subscriptions.create(draft(), actor),
        subscriptions.update(existing.id or 0, draft(times="10:00"), actor),
        subscriptions.set_paused(existing.id or 0, True, actor),
        subscriptions.remove(existing.id or 0, actor),
    ):
        with pytest.raises(PermissionDenied):
            await change
    assert (await subscriptions.get(existing.id or 0)).times == "08:30,16:00"


async def test_permission_message_says_who_may_and_why(services: Services):
    with pytest.raises(PermissionDenied) as caught:
        await services.digests.subscriptions.create(draft(), OUTSIDER)

    assert caught.value.message.startswith(
        "Only admins can change digests of channels they are not a member of; you have rep access."
    )


async def test_update_pause_and_remove_change_the_subscription_and_tell_listeners(
    services: Services,
):
    subscriptions = services.digests.subscriptions
    heard: list[str] = []

    async def listener() -> None:
        heard.append("changed")

    subscriptions.on_change(listener)
    created = await subscriptions.create(draft(), REP)

    updated = await subscriptions.update(
        created.id or 0, draft(times="07:00", grouping="none"), REP
    )
    paused = await subscriptions.set_paused(created.id or 0, True, REP)
    await subscriptions.remove(created.id or 0, REP)

    assert (updated.times, updated.grouping) == ("07:00", "none")
    assert paused.paused is True
    assert heard == ["changed"] * 4
    with pytest.raises(SubscriptionNotFound):
        await subscriptions.get(created.id or 0)


async def test_changing_a_missing_subscription_says_so(services: Services):
    with pytest.raises(SubscriptionNotFound) as caught:
        await services.digests.subscriptions.set_paused(42, True, REP)

    assert caught.value.message == "No digest subscription #42."


async def test_preview_shows_the_next_three_runs_and_how_many_orders_would_be_listed(
    services: Services,
):
    await add_orders(services, [overdue("SO-1"), overdue("SO-2"), order_values("SO-3")])

    preview = await services.digests.subscriptions.preview(draft(max_rows="1"))

    # Tuesday 2026-11-24 09:00 UTC is 10:00 in Berlin: 16:00 today, then 08:30 and 16:00.
    assert preview.next_runs == [
        datetime.fromisoformat(t)
        for t in ("2026-11-24T15:00Z", "2026-11-25T07:30Z", "2026-11-25T15:00Z")
    ]
    assert (preview.lagging, preview.listed) == (2, 1)
    assert preview.schedule == "Mon–Fri at 08:30 and 16:00 (Europe/Berlin)"
    assert preview.next_runs[1] - preview.next_runs[0] == timedelta(hours=16, minutes=30)
