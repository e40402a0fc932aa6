"""The one Settings object: read from the environment (and .env), validated at start-up."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./backlog.db"
README_SETUP_HINT = "see README.md, section 'Create the Slack app'"


class Settings(BaseSettings):
    """Every knob of the bot; Slack's own variable names stay unprefixed."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    database_schema: str | None = Field(default=None, alias="DATABASE_SCHEMA")  # PostgreSQL only
    backlog_timezone: str = Field(default="UTC", alias="BACKLOG_TIMEZONE")
    backlog_api_token: SecretStr | None = Field(default=None, alias="BACKLOG_API_TOKEN")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")

    @field_validator("backlog_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Europe/Berlin)") from exc
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack_sdk joins base_url and method name by plain concatenation.
        return value if value.endswith("/") else value + "/"

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.backlog_timezone)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def missing_for_run(self) -> list[str]:
        """Names of the environment variables `backlog-bot run` cannot start without."""
        required = {"SLACK_BOT_TOKEN": self.slack_bot_token}
        if not self.socket_mode:
            required["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        return [
            name for name, value in required.items() if not value or not value.get_secret_value()
        ]
