"""Journeys through the sandbox in headless Chromium, asserting what a person sees."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.sandbox.demo import quiet_open_orders
from tests.sandbox.browser.kit import REP, SandboxPage


def test_sandbox_lookup_shows_the_card_only_to_the_asker(
    page: SandboxPage, screenshots: Path
) -> None:
    order = quiet_open_orders(date.today())[0]
    page.open(REP)

    page.type_in_composer(f"/backlog {order}")

    card = page.message(f"Order {order}")

    assert "Only visible to you" in card
    assert "Update ETA" in card
    page.screenshot(screenshots / "card.png")
