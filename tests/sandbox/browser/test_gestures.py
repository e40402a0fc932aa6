"""The sandbox's gesture endpoints answer bad input with a clear, specific refusal."""

from __future__ import annotations

import httpx

from tests.sandbox.browser.kit import REP


def test_sandbox_unknown_slash_command_is_refused_like_slack(sandbox_url: str) -> None:
    body = {"user": REP, "channel": "C0BACKLOG1", "text": "/orders SO-1"}

    answer = httpx.post(f"{sandbox_url}/sandbox/command", json=body, trust_env=False)

    assert answer.status_code == 422
    assert answer.json() == {
        "ok": False,
        "error": "/orders is not a valid command. In Slack this workspace has /backlog.",
    }


def test_sandbox_submit_without_an_open_modal_is_refused(sandbox_url: str) -> None:
    body = {"user": "U0VIEWER01", "values": {}}

    answer = httpx.post(f"{sandbox_url}/sandbox/submit", json=body, trust_env=False)

    assert (answer.status_code, answer.json()["error"]) == (422, "This modal is no longer open.")


def test_sandbox_serves_the_bots_own_health_check(sandbox_url: str) -> None:
    answer = httpx.get(f"{sandbox_url}/healthz", trust_env=False)

    assert answer.json() == {"status": "ok", "database": "ok"}


def test_sandbox_malformed_gesture_gets_a_400_naming_the_problem(sandbox_url: str) -> None:
    answer = httpx.post(f"{sandbox_url}/sandbox/action", content=b"{not json", trust_env=False)

    assert answer.status_code == 400
    assert answer.json()["error"].startswith("malformed request: JSONDecodeError")
