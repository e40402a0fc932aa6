"""Which channel holds a team's order threads, and how actors are named in messages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.services.core.errors import mention
from bot.services.core.teams import TeamChannels
from storage.orders.tables import Order

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TEAMS = TeamChannels({"EMEA": "C0EMEA", "apac": "C0APAC"})


def order_of(team: str | None) -> Order:
    return Order(
        id=1, external_id="SO-1", customer="Acme", team=team, ordered_at=NOW,
        promised_date=date(2026, 12, 1), last_activity_at=NOW, created_at=NOW, updated_at=NOW,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("team", "channel"),
    [
        ("EMEA", "C0EMEA"),
        ("emea", "C0EMEA"),  # any case
        (" Apac ", "C0APAC"),  # spaces around the order's team do not matter
        ("latam", None),  # a team without a channel
        (None, None),  # an order without a team
    ],
)
def test_team_channel_for_an_order_matches_its_team_in_any_case(
    team: str | None, channel: str | None
):
    assert TEAMS.channel_for(order_of(team)) == channel


def test_team_channels_without_configuration_have_no_channel():
    assert TeamChannels().channel_for(order_of("emea")) is None


@pytest.mark.parametrize(
    ("actor", "shown"),
    [
        ("U0REP0001", "<@U0REP0001>"),
        ("W0ENTERPRISE1", "<@W0ENTERPRISE1>"),  # an Enterprise Grid user
        ("import:orders.csv", "import:orders.csv"),
        ("erp-bridge", "erp-bridge"),
        ("u0rep0001", "u0rep0001"),  # not a Slack id: Slack ids are upper case
        ("U1", "U1"),  # too short to be a Slack id
    ],
)
def test_mention_links_slack_users_and_names_other_actors_as_they_are(actor: str, shown: str):
    assert mention(actor) == shown
