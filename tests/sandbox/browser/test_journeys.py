"""Journeys through the sandbox in headless Chromium, asserting what a person sees."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bot.sandbox.demo import quiet_open_orders
from tests.sandbox.browser.kit import REP, SECOND_REP, SandboxPage


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


def test_sandbox_eta_update_refuses_a_past_date_then_redraws_the_card_in_place(
    page: SandboxPage, screenshots: Path
) -> None:
    order, today = quiet_open_orders(date.today())[1], date.today()
    new_eta = today + timedelta(days=12)
    page.open(REP)
    page.lookup(order)

    page.click_in_message(f"Order {order}", "Update ETA")
    page.modal("Update ETA")
    page.fill("#modal input[type=date]", (today - timedelta(days=1)).isoformat())
    page.choose("#modal select", "Supplier delay")
    page.screenshot(screenshots / "modal.png")
    page.click_button("Save ETA", "#modal")
    refusal = page.wait_css("#modal .field-error").text
    page.fill("#modal input[type=date]", new_eta.isoformat())
    page.click_button("Save ETA", "#modal")
    page.modal_closed()

    assert "past" in refusal.lower()
    card = page.message(new_eta.isoformat())
    assert f"Order {order}" in card
    assert page.messages_showing(f"Order {order}") == 1


def test_sandbox_overflow_snooze_shows_snoozed_until_on_the_card(page: SandboxPage) -> None:
    order, today = quiet_open_orders(date.today())[2], date.today()
    page.open(REP)
    page.lookup(order)

    page.click_in_message(f"Order {order}", "⋯")
    page.click_button("Snooze until…", "#pane .overflow .menu")
    page.modal("Snooze order")
    page.fill("#modal input[type=date]", (today + timedelta(days=2)).isoformat())
    page.fill("#modal textarea, #modal input[type=text]", "Customer away until Monday")
    page.click_button("Snooze", "#modal footer")
    page.modal_closed()

    assert "snoozed until" in page.message(f"Order {order}")


def test_sandbox_second_rep_save_makes_the_first_reps_modal_stale(page: SandboxPage) -> None:
    order, today = quiet_open_orders(date.today())[3], date.today()
    page.open(REP)
    page.lookup(order)
    page.click_in_message(f"Order {order}", "Update ETA")
    page.modal("Update ETA")
    page.open(SECOND_REP)
    page.lookup(order)
    page.click_in_message(f"Order {order}", "Update ETA")
    page.modal("Update ETA")
    page.fill("#modal input[type=date]", (today + timedelta(days=20)).isoformat())
    page.choose("#modal select", "Transport")
    page.click_button("Save ETA", "#modal")
    page.modal_closed()

    page.open(REP, keep_modal=True)
    page.fill("#modal input[type=date]", (today + timedelta(days=9)).isoformat())
    page.choose("#modal select", "Supplier delay")
    page.click_button("Save ETA", "#modal")

    warning = page.wait_css("#modal .modal", "changed this order after you opened it").text
    assert "Ben Okafor" in warning
