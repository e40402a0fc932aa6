"""What every command shares: settings from the environment, or one clear line and exit 2."""

from __future__ import annotations

import click
from pydantic import ValidationError

from bot.settings import Settings


def load_settings() -> Settings:
    """Settings from the environment, or one clear line and exit 2."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors()
        )
        raise click.ClickException(f"invalid settings: {problems}") from None
