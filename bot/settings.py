"""The one Settings object: read from the environment (and .env), validated at start-up."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.services.core.roles import Role, RoleBook
from bot.services.core.teams import TeamChannels
from bot.services.ingest.order_fields import ALL_FIELDS
from bot.services.orders.lagging import LagRules
from storage.orders.tables import OrderStatus

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./backlog.db"
README_SETUP_HINT = "see README.md, section 'Create the Slack app'"
_ROLE_ID = re.compile(r"[UWS][A-Z0-9]{2,}")  # a user (U…, W… on Enterprise Grid) or user group
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")  # a public (C…) or private (G…) channel
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP token
# Comma-separated lists, not JSON: pydantic-settings must hand them over undecoded.
SlackIds = Annotated[frozenset[str], NoDecode]


class Settings(BaseSettings):
    """Every knob of the bot; Slack's own variable names stay unprefixed."""

    # An empty value (`SLACK_APP_TOKEN=` as .env.example ships it) means unset, for every setting.
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    slack_timeout_seconds: int = Field(default=10, ge=1, le=60, alias="SLACK_TIMEOUT_SECONDS")
    # Least time between two messages of this process to one channel (Slack: about 1 a second).
    slack_message_interval_seconds: float = Field(
        default=1.0, ge=0, le=10, alias="SLACK_MESSAGE_INTERVAL_SECONDS"
    )
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    database_schema: str | None = Field(default=None, alias="DATABASE_SCHEMA")  # PostgreSQL only
    # Connections one process may hold to PostgreSQL, all its pools together (README: "Running
    # several processes" has the arithmetic against max_connections).
    database_pool_size: int = Field(default=10, ge=3, le=500, alias="DATABASE_POOL_SIZE")
    backlog_timezone: str = Field(default="UTC", alias="BACKLOG_TIMEZONE")
    backlog_api_token: SecretStr | None = Field(default=None, alias="BACKLOG_API_TOKEN")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    # `json`: one JSON object per line (for log shippers); `text`: one readable line each.
    log_format: Literal["text", "json"] = Field(default="text", alias="LOG_FORMAT")
    # How often each process looks for new alerts; tests of several processes shorten it.
    alert_interval_seconds: int = Field(default=60, ge=1, le=3600, alias="ALERT_INTERVAL_SECONDS")
    # A digest claim not renewed for this long is taken over (every posted message renews it);
    # tests that kill a process shorten it. It must outlast one Slack call (checked below).
    digest_lease_seconds: int = Field(default=300, ge=2, le=3600, alias="DIGEST_LEASE_SECONDS")
    # How often each process looks for digest changes made elsewhere and abandoned claims.
    digest_sweep_seconds: int = Field(default=60, ge=1, le=3600, alias="DIGEST_SWEEP_SECONDS")
    backlog_admins: SlackIds = Field(default=frozenset(), alias="BACKLOG_ADMINS")
    backlog_reps: SlackIds = Field(default=frozenset(), alias="BACKLOG_REPS")
    backlog_viewers: SlackIds = Field(default=frozenset(), alias="BACKLOG_VIEWERS")
    backlog_default_role: Role = Field(default=Role.REP, alias="BACKLOG_DEFAULT_ROLE")
    team_channels: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, alias="TEAM_CHANNELS"
    )
    backlog_holidays: str = Field(default="", alias="BACKLOG_HOLIDAYS")
    helpdesk_webhook_url: str | None = Field(default=None, alias="HELPDESK_WEBHOOK_URL")
    helpdesk_webhook_secret: SecretStr | None = Field(default=None, alias="HELPDESK_WEBHOOK_SECRET")
    # Upstream sync (off without UPSTREAM_URL); README, section "Upstream sync".
    upstream_url: str | None = Field(default=None, alias="UPSTREAM_URL")
    upstream_token: SecretStr | None = Field(default=None, alias="UPSTREAM_TOKEN")
    upstream_header: SecretStr | None = Field(default=None, alias="UPSTREAM_HEADER")
    upstream_interval_minutes: int = Field(
        default=15, ge=1, le=1440, alias="UPSTREAM_INTERVAL_MINUTES"
    )
    upstream_map: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, alias="UPSTREAM_MAP"
    )
    upstream_status_map: Annotated[dict[str, OrderStatus], NoDecode] = Field(
        default_factory=dict, alias="UPSTREAM_STATUS_MAP"
    )
    upstream_pagination: Literal["cursor", "page"] = Field(
        default="cursor", alias="UPSTREAM_PAGINATION"
    )
    upstream_page_size: int = Field(default=100, ge=1, le=10_000, alias="UPSTREAM_PAGE_SIZE")
    upstream_items_field: str = Field(default="orders", alias="UPSTREAM_ITEMS_FIELD")
    upstream_cursor_field: str = Field(default="next_cursor", alias="UPSTREAM_CURSOR_FIELD")
    upstream_since_param: str = Field(default="updated_since", alias="UPSTREAM_SINCE_PARAM")
    upstream_timeout_seconds: float = Field(
        default=10.0, gt=0, le=300, alias="UPSTREAM_TIMEOUT_SECONDS"
    )
    upstream_retries: int = Field(default=3, ge=0, le=10, alias="UPSTREAM_RETRIES")

    @field_validator("backlog_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Europe/Berlin)") from exc
        return value

    @field_validator("backlog_admins", "backlog_reps", "backlog_viewers", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return frozenset(part.strip() for part in value.split(",") if part.strip())

    @field_validator("backlog_admins", "backlog_reps", "backlog_viewers")
    @classmethod
    def _slack_ids(cls, value: frozenset[str]) -> frozenset[str]:
        for item in sorted(value):
            if not _ROLE_ID.fullmatch(item):
                raise ValueError(
                    f"{item!r} is not a Slack user id (U…/W…) or user-group id (S…);"
                    " separate ids with commas"
                )
        return value

    @field_validator("backlog_default_role", mode="before")
    @classmethod
    def _role_name(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("team_channels", mode="before")
    @classmethod
    def _team_channels(cls, value: Any) -> Any:
        return parse_team_channels(value) if isinstance(value, str) else value

    @field_validator("helpdesk_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.strip().startswith(("https://", "http://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.strip()

    @model_validator(mode="after")
    def _webhook_secret(self) -> Settings:
        secret = self.helpdesk_webhook_secret
        if self.helpdesk_webhook_url and (secret is None or not secret.get_secret_value()):
            raise ValueError(
                "HELPDESK_WEBHOOK_SECRET is required with HELPDESK_WEBHOOK_URL"
                " (the webhook's requests are signed with it)"
            )
        return self

    @model_validator(mode="after")
    def _lease_outlasts_a_call(self) -> Settings:
        # A shorter lease would hand a digest to a second process while the first still
        # waits for Slack's answer to one message, and both would post the rest.
        if self.digest_lease_seconds <= self.slack_timeout_seconds:
            raise ValueError(
                f"DIGEST_LEASE_SECONDS ({self.digest_lease_seconds}) must be longer than"
                f" SLACK_TIMEOUT_SECONDS ({self.slack_timeout_seconds})"
            )
        return self

    @field_validator("upstream_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.strip().lower().startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.strip()

    @field_validator("upstream_header")
    @classmethod
    def _header_line(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        name, sep, content = value.get_secret_value().partition(":")
        if not sep or not _HEADER_NAME.fullmatch(name.strip()) or not content.strip():
            raise ValueError("must be 'Header-Name: value' (e.g. X-Api-Key: secret)")
        return value

    @field_validator("upstream_map", mode="before")
    @classmethod
    def _upstream_map(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        mapping = parse_pairs(value, "FIELD=KEY (e.g. order_id=id,customer=customer.name)")
        unknown = sorted(set(mapping) - set(ALL_FIELDS))
        if unknown:
            fields = ", ".join(ALL_FIELDS)
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; fields are: {fields}")
        return mapping

    @field_validator("upstream_status_map", mode="before")
    @classmethod
    def _upstream_statuses(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        mapping = parse_pairs(value, "VALUE=STATUS (e.g. In Transit=confirmed)")
        known = {s.value for s in OrderStatus}
        for label, status in mapping.items():
            if status.lower() not in known:
                raise ValueError(f"{label}={status}: the status must be one of {sorted(known)}")
        return {label: status.lower() for label, status in mapping.items()}

    @field_validator("backlog_holidays")
    @classmethod
    def _holidays(cls, value: str) -> str:
        parse_holidays(value)  # fails with a message naming the bad entry
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack_sdk joins base_url and method name by plain concatenation.
        return value if value.endswith("/") else value + "/"

    @property
    def digest_lease(self) -> timedelta:
        return timedelta(seconds=self.digest_lease_seconds)

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.backlog_timezone)

    @property
    def roles(self) -> RoleBook:
        return RoleBook(
            admins=self.backlog_admins,
            reps=self.backlog_reps,
            viewers=self.backlog_viewers,
            default=self.backlog_default_role,
        )

    @property
    def lag_rules(self) -> LagRules:
        """The lag rules' business days: weekends and BACKLOG_HOLIDAYS are not counted."""
        shared, per_team = parse_holidays(self.backlog_holidays)
        return LagRules(holidays=shared, team_holidays=per_team)

    @property
    def teams(self) -> TeamChannels:
        return TeamChannels(self.team_channels)

    @property
    def upstream_headers(self) -> dict[str, str]:
        """The credentials to send upstream: a bearer token, a custom header, or both."""
        headers: dict[str, str] = {}
        if self.upstream_token and self.upstream_token.get_secret_value():
            headers["Authorization"] = f"Bearer {self.upstream_token.get_secret_value()}"
        if self.upstream_header:
            name, _, content = self.upstream_header.get_secret_value().partition(":")
            headers[name.strip()] = content.strip()
        return headers

    @property
    def socket_mode(self) -> bool:
        return _given(self.slack_app_token)

    def missing_for_run(self) -> list[str]:
        """Names of the environment variables `backlog-bot run` cannot start without."""
        required = {"SLACK_BOT_TOKEN": self.slack_bot_token}
        if not self.socket_mode:
            required["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        return [name for name, value in required.items() if not _given(value)]

    def placeholders_for_run(self) -> list[str]:
        """Tokens still holding .env.example's sample values, or not shaped like their kind."""
        given = {
            "SLACK_BOT_TOKEN": (self.slack_bot_token, "xoxb-"),
            "SLACK_SIGNING_SECRET": (self.slack_signing_secret, ""),
            "SLACK_APP_TOKEN": (self.slack_app_token, "xapp-"),
        }
        problems = []
        for name, (value, prefix) in given.items():
            text = value.get_secret_value().strip() if value else ""
            if text and (text in EXAMPLE_VALUES or not text.startswith(prefix)):
                problems.append(name)
        return problems


# The sample values .env.example ships: a bot started with them would fail on the first request.
EXAMPLE_VALUES = frozenset({"xoxb-your-bot-token", "your-signing-secret", "xapp-your-app-token"})


def _given(value: SecretStr | None) -> bool:
    return value is not None and bool(value.get_secret_value().strip())


def parse_team_channels(text: str) -> dict[str, str]:
    """Read "emea=C0123,apac=C0456" into {"emea": "C0123", "apac": "C0456"}."""
    channels: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        team, sep, channel = (piece.strip() for piece in item.partition("="))
        if not sep or not team or not channel:
            raise ValueError(f"{item!r} is not TEAM=CHANNEL_ID (e.g. emea=C0123,apac=C0456)")
        if not _CHANNEL_ID.fullmatch(channel):
            raise ValueError(f"{channel!r} (team {team!r}) is not a channel id such as C0123")
        if team.lower() in channels:
            raise ValueError(f"team {team!r} is listed twice")
        channels[team.lower()] = channel
    return channels


def parse_pairs(text: str, shape: str) -> dict[str, str]:
    """Read "a=b,c=d" into {"a": "b", "c": "d"}; `shape` explains the format in errors."""
    pairs: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = (piece.strip() for piece in item.partition("="))
        if not sep or not key or not value:
            raise ValueError(f"{item!r} is not {shape}")
        if key in pairs:
            raise ValueError(f"{key!r} is listed twice")
        pairs[key] = value
    return pairs


def parse_holidays(text: str) -> tuple[frozenset[date], dict[str, frozenset[date]]]:
    """Read "2026-12-25, emea:2026-12-08" into holidays for everyone and per team."""
    shared: set[date] = set()
    per_team: dict[str, set[date]] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        team, sep, day = item.rpartition(":")
        try:
            parsed = date.fromisoformat(day.strip())
        except ValueError:
            raise ValueError(
                f"{item!r} is not a holiday; use YYYY-MM-DD or TEAM:YYYY-MM-DD"
            ) from None
        if sep and not team.strip():
            raise ValueError(f"{item!r} names no team before ':'")
        (per_team.setdefault(team.strip().lower(), set()) if sep else shared).add(parsed)
    return frozenset(shared), {team: frozenset(days) for team, days in per_team.items()}
