"""Journeys through the sandbox in headless Chromium, asserting what a person sees."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import httpx

from bot.sandbox.demo import quiet_open_orders
from bot.sandbox.people import DIGEST_CHANNEL
from tests.sandbox.browser.kit import ADMIN, REP, SECOND_REP, VIEWER, SandboxPage


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


def test_sandbox_digest_added_in_the_modal_posts_a_test_with_its_thread(
    page: SandboxPage, screenshots: Path
) -> None:
    page.open(ADMIN, DIGEST_CHANNEL)

    page.type_in_composer("/backlog digest add")
    page.modal("New digest")
    page.click_button("Save", "#modal footer")
    saved = page.modal("Digest saved").text
    digest_id = re.search(r"Digest #(\d+)", saved)
    assert digest_id is not None, saved
    page.click_button("Done", "#modal footer")
    page.modal_closed()
    page.type_in_composer(f"/backlog digest test {digest_id[1]}")
    page.message("Part 1/")
    page.click_in_message("Part 1/", "replies")

    assert "Part 2/" in page.message("Part 2/", pane="#thread")
    page.scroll_to("Part 1/")
    page.screenshot(screenshots / "digest.png")


def test_sandbox_message_shortcut_logs_feedback_that_the_card_shows(page: SandboxPage) -> None:
    order = quiet_open_orders(date.today())[4]
    words = f"Customer on {order}: still nothing delivered, we are losing patience."
    page.open(REP)
    page.type_in_composer(words)

    page.more_actions(words)
    page.click_button("Log customer feedback", "#pane .message-actions")
    page.modal("Customer feedback")
    page.wait_css("#modal .external-input").send_keys(order)
    page.click_button(order, "#modal .suggestions")
    page.click_label("Negative", "#modal")
    page.click_button("Log feedback", "#modal footer")
    page.modal_closed()
    card = page.lookup(order)

    assert "losing patience" in card


def test_sandbox_home_tab_pages_through_a_long_list(page: SandboxPage, screenshots: Path) -> None:
    page.open(REP, "home")
    page.wait_css("#pane .home-view", "page 1 of")
    page.screenshot(screenshots / "home.png")

    page.click_button("Next", "#pane .home-view")

    assert page.wait_css("#pane .home-view", "page 2 of")


def test_sandbox_viewer_is_refused_politely(page: SandboxPage) -> None:
    order = quiet_open_orders(date.today())[5]
    page.open(VIEWER)
    page.lookup(order)

    page.click_in_message(f"Order {order}", "Update ETA")

    refusal = page.wait_css("#pane .message, #modal .modal", "you have viewer access").text
    assert "Ask an admin" in refusal


def test_sandbox_messages_posted_by_the_bot_appear_without_a_reload(page: SandboxPage) -> None:
    page.open(ADMIN, DIGEST_CHANNEL)
    before = page.messages_showing("Part 1/")
    page.driver.execute_script("window.notReloaded = true;")

    # Someone else's gesture, outside this browser: the digest job posts while the page waits.
    answer = httpx.post(
        f"{page.url}/sandbox/command",
        json={"user": ADMIN, "channel": DIGEST_CHANNEL, "text": "/backlog digest test 1"},
        trust_env=False,
        timeout=10,
    )

    assert answer.json() == {"ok": True}
    page.wait_until(lambda: page.messages_showing("Part 1/") == before + 1, "no new digest shown")
    assert page.driver.execute_script("return window.notReloaded === true;")


def test_sandbox_confirm_dialog_guards_a_digest_removal(page: SandboxPage) -> None:
    page.open(ADMIN, DIGEST_CHANNEL)
    page.type_in_composer("/backlog digest add")
    page.modal("New digest")
    page.click_button("Save", "#modal footer")
    digest_id = re.search(r"Digest #(\d+)", page.modal("Digest saved").text)
    assert digest_id is not None
    page.click_button("Done", "#modal footer")
    page.modal_closed()
    page.type_in_composer("/backlog digest list")
    remove = f'#pane .block[data-block-id="digest_actions:{digest_id[1]}"]'

    page.click_button("Remove", remove)
    question = page.wait_css("dialog#confirm[open]", "Remove this digest?").text
    page.click_button("Keep", "dialog#confirm")
    page.click_button("Remove", remove)
    page.click_button("Remove", "dialog#confirm")

    assert f"Digest #{digest_id[1]} and its history will be deleted." in question
    assert page.message(f"Digest #{digest_id[1]} removed.")
