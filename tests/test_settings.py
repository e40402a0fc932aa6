"""Settings for roles and team channels: comma lists from the environment, clear errors."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from bot.bootstrap.container import build_services
from bot.bootstrap.from_settings import services_from
from bot.services.core.roles import Role
from bot.settings import Settings
from tests.kit.common import make_order


def settings_from(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


def test_settings_read_role_lists_and_team_channels(monkeypatch: pytest.MonkeyPatch):
    settings = settings_from(
        monkeypatch,
        BACKLOG_ADMINS="U0LEAD1, S0LEADS",
        BACKLOG_REPS="U0REP1,W0REP2,",
        BACKLOG_DEFAULT_ROLE="Viewer",
        TEAM_CHANNELS=" EMEA=C0123 , apac=G0456",
    )

    roles = settings.roles
    assert roles.admins == {"U0LEAD1", "S0LEADS"} and roles.reps == {"U0REP1", "W0REP2"}
    assert (roles.viewers, roles.default) == (frozenset(), Role.VIEWER)
    assert settings.team_channels == {"emea": "C0123", "apac": "G0456"}


def test_settings_defaults_make_everyone_a_rep_and_give_no_channels(
    monkeypatch: pytest.MonkeyPatch,
):
    settings = settings_from(monkeypatch)

    assert settings.roles.role_of("U0ANYONE") == Role.REP
    assert settings.team_channels == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("emea:C0123", "'emea:C0123' is not TEAM=CHANNEL_ID (e.g. emea=C0123,apac=C0456)"),
        ("emea=", "'emea=' is not TEAM=CHANNEL_ID"),
        ("=C0123", "'=C0123' is not TEAM=CHANNEL_ID"),
        ("emea=#general", "'#general' (team 'emea') is not a channel id such as C0123"),
        ("emea=C0123,EMEA=C0456", "team 'EMEA' is listed twice"),
    ],
)
def test_settings_bad_team_channels_say_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
):
    with pytest.raises(ValidationError) as caught:
        settings_from(monkeypatch, TEAM_CHANNELS=value)

    assert message in str(caught.value)


@pytest.mark.parametrize("name", ["BACKLOG_ADMINS", "BACKLOG_REPS", "BACKLOG_VIEWERS"])
def test_settings_refuse_ids_that_are_not_slack_ids(monkeypatch: pytest.MonkeyPatch, name: str):
    with pytest.raises(
        ValidationError, match=re.escape("'bob@example.com' is not a Slack user id")
    ):
        settings_from(monkeypatch, **{name: "U0LEAD1,bob@example.com"})


def test_settings_refuse_an_unknown_default_role(monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(ValidationError, match="BACKLOG_DEFAULT_ROLE"):
        settings_from(monkeypatch, BACKLOG_DEFAULT_ROLE="owner")


async def test_services_find_the_team_channel_of_an_order(monkeypatch: pytest.MonkeyPatch):
    settings = settings_from(monkeypatch, TEAM_CHANNELS="emea=C0123")
    services = build_services(
        "sqlite:///:memory:", roles=settings.roles, team_channels=settings.team_channels
    )
    orders = [make_order(team=team) for team in ("EMEA ", "apac", None)]

    found = [services.teams.channel_for(order) for order in orders]

    assert found == ["C0123", None, None]
    await services.close()


def test_settings_pace_messages_a_second_apart_and_pool_ten_connections_by_default(
    monkeypatch: pytest.MonkeyPatch,
):
    settings = settings_from(monkeypatch)
    tuned = settings_from(monkeypatch, SLACK_MESSAGE_INTERVAL_SECONDS="0", DATABASE_POOL_SIZE="4")

    assert (settings.slack_message_interval_seconds, settings.database_pool_size) == (1.0, 10)
    assert (tuned.slack_message_interval_seconds, tuned.database_pool_size) == (0.0, 4)


@pytest.mark.parametrize("value", ["2", "501", "many"])
def test_settings_refuse_a_pool_size_out_of_range(monkeypatch: pytest.MonkeyPatch, value: str):
    with pytest.raises(ValidationError):
        settings_from(monkeypatch, DATABASE_POOL_SIZE=value)


def test_settings_alert_interval_defaults_to_a_minute(monkeypatch: pytest.MonkeyPatch):
    assert settings_from(monkeypatch).alert_interval_seconds == 60
    assert settings_from(monkeypatch, ALERT_INTERVAL_SECONDS="2").alert_interval_seconds == 2


@pytest.mark.parametrize("value", ["0", "3601", "soon"])
def test_settings_refuse_an_alert_interval_out_of_range(
    monkeypatch: pytest.MonkeyPatch, value: str
):
    with pytest.raises(ValidationError, match="ALERT_INTERVAL_SECONDS"):
        settings_from(monkeypatch, ALERT_INTERVAL_SECONDS=value)


async def test_settings_digest_lease_reaches_the_digest_claims(monkeypatch: pytest.MonkeyPatch):
    default = settings_from(monkeypatch)
    settings = settings_from(
        monkeypatch,
        DIGEST_LEASE_SECONDS="5",
        SLACK_TIMEOUT_SECONDS="3",
        DIGEST_SWEEP_SECONDS="2",
        DATABASE_URL="sqlite:///:memory:",
    )

    services = services_from(settings)

    assert (default.digest_lease, default.digest_sweep_seconds) == (timedelta(minutes=5), 60)
    assert services.digests.deliveries.claims.lease == timedelta(seconds=5)
    assert settings.digest_sweep_seconds == 2
    await services.close()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DIGEST_LEASE_SECONDS", "1"),
        ("DIGEST_LEASE_SECONDS", "3601"),
        ("DIGEST_SWEEP_SECONDS", "0"),
        ("DIGEST_SWEEP_SECONDS", "3601"),
    ],
)
def test_settings_refuse_digest_timings_out_of_range(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
):
    with pytest.raises(ValidationError, match=name):
        settings_from(monkeypatch, **{name: value})


def test_settings_refuse_a_digest_lease_a_slack_call_outlasts(monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(ValidationError, match=r"DIGEST_LEASE_SECONDS \(10\) must be longer"):
        settings_from(monkeypatch, DIGEST_LEASE_SECONDS="10", SLACK_TIMEOUT_SECONDS="10")


async def test_settings_with_a_helpdesk_webhook_let_services_send_updates(
    monkeypatch: pytest.MonkeyPatch,
):
    settings = settings_from(
        monkeypatch,
        HELPDESK_WEBHOOK_URL=" https://helpdesk.example.com/in ",
        HELPDESK_WEBHOOK_SECRET="s3cret",
        DATABASE_URL="sqlite:///:memory:",
    )

    services = services_from(settings)

    assert settings.helpdesk_webhook_url == "https://helpdesk.example.com/in"
    assert "s3cret" not in repr(settings)
    assert services.customer_updates.can_send
    await services.close()


async def test_settings_without_a_helpdesk_draft_updates_for_copying(
    monkeypatch: pytest.MonkeyPatch,
):
    settings = settings_from(monkeypatch, DATABASE_URL="sqlite:///:memory:")

    services = services_from(settings)

    assert not services.customer_updates.can_send
    await services.close()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"HELPDESK_WEBHOOK_URL": "https://helpdesk.example.com/in"},
            "HELPDESK_WEBHOOK_SECRET is required with HELPDESK_WEBHOOK_URL",
        ),
        (
            {"HELPDESK_WEBHOOK_URL": "helpdesk.example.com", "HELPDESK_WEBHOOK_SECRET": "x"},
            "'helpdesk.example.com' is not an http(s) URL",
        ),
    ],
)
def test_settings_refuse_an_incomplete_helpdesk_webhook(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
):
    with pytest.raises(ValidationError) as caught:
        settings_from(monkeypatch, **env)

    assert message in str(caught.value)


def test_settings_read_holidays_for_everyone_and_per_team(monkeypatch: pytest.MonkeyPatch):
    settings = settings_from(
        monkeypatch, BACKLOG_HOLIDAYS="2026-12-25, EMEA:2026-12-08 ,emea:2026-12-26,"
    )

    rules = settings.lag_rules
    assert rules.holidays == {date(2026, 12, 25)}
    assert rules.holidays_for("Emea") == {date(2026, 12, 25), date(2026, 12, 8), date(2026, 12, 26)}
    assert rules.holidays_for("apac") == {date(2026, 12, 25)}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2026-13-01", "'2026-13-01' is not a holiday; use YYYY-MM-DD or TEAM:YYYY-MM-DD"),
        (
            "emea=2026-12-08",
            "'emea=2026-12-08' is not a holiday; use YYYY-MM-DD or TEAM:YYYY-MM-DD",
        ),
        (":2026-12-08", "':2026-12-08' names no team before ':'"),
    ],
)
def test_settings_refuse_a_bad_holiday_naming_it(
    monkeypatch: pytest.MonkeyPatch, value: str, problem: str
):
    with pytest.raises(ValidationError, match=re.escape(problem)):
        settings_from(monkeypatch, BACKLOG_HOLIDAYS=value)


async def test_services_count_business_days_without_the_configured_holidays(
    monkeypatch: pytest.MonkeyPatch,
):
    from tests.kit.common import FixedClock

    settings = settings_from(monkeypatch, BACKLOG_HOLIDAYS="emea:2026-11-20")
    services = build_services(
        "sqlite:///:memory:", clock=FixedClock(), rules=settings.lag_rules
    )  # the clock says Tuesday 2026-11-24
    ordered = datetime(2026, 11, 17, 9, tzinfo=UTC)  # five business days before

    ages = [
        services.orders.summarise(make_order(team=team, ordered_at=ordered)).age_business_days
        for team in ("emea", "apac")
    ]

    assert ages == [4, 5]
    await services.close()


def test_settings_empty_values_mean_unset(monkeypatch: pytest.MonkeyPatch):
    settings = settings_from(
        monkeypatch,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        SLACK_APP_TOKEN="",
        DATABASE_URL="",
        BACKLOG_TIMEZONE="",
        BACKLOG_API_TOKEN="",
        UPSTREAM_URL="",
        ALERT_INTERVAL_SECONDS="",
    )

    assert settings.socket_mode is False
    assert settings.slack_app_token is None and settings.backlog_api_token is None
    assert settings.database_url == "sqlite+aiosqlite:///./backlog.db"
    assert (settings.backlog_timezone, settings.alert_interval_seconds) == ("UTC", 60)
    assert settings.upstream_url is None
    assert settings.missing_for_run() == []


def test_settings_name_tokens_still_holding_the_example_values(monkeypatch: pytest.MonkeyPatch):
    settings = settings_from(
        monkeypatch,
        SLACK_BOT_TOKEN="xoxb-your-bot-token",
        SLACK_SIGNING_SECRET="your-signing-secret",
        SLACK_APP_TOKEN="xoxb-pasted-in-the-wrong-place",
    )

    assert settings.placeholders_for_run() == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
    ]
