"""The signed request builder agrees with Slack's documentation and with slack_sdk's verifier."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.sandbox.signing import Forge, SignedRequest, SlackRequests, sign

# Fixtures reach pytest through module globals; tests/conftest.py will import them for all.

VECTOR = Path(__file__).parents[3] / "shared/slack/signing-test-vector.json"
SECRET = "test-signing-secret"
ETA_STATE = {"eta": {"date": {"type": "datepicker", "selected_date": "2026-12-01"}}}

Builder = Callable[[SlackRequests, Forge], SignedRequest]
BUILDERS: dict[str, Builder] = {
    "slash_command": lambda r, f: r.slash_command("list overdue", **f),
    "block_actions": lambda r, f: r.block_actions("order_ack", value="SO-1001", **f),
    "block_actions_in_view": lambda r, f: r.block_actions("pick", view={"id": "V1"}, **f),
    "block_suggestion": lambda r, f: r.block_suggestion("customer_search", "acm", **f),
    "view_submission": lambda r, f: r.view_submission("eta_modal", ETA_STATE, **f),
    "view_closed": lambda r, f: r.view_closed("eta_modal", **f),
    "message_shortcut": lambda r, f: r.message_shortcut("track_order", "SO-1001 is late", **f),
    "global_shortcut": lambda r, f: r.global_shortcut("new_order", **f),
    "event": lambda r, f: r.event({"type": "app_home_opened", "user": "U111"}, **f),
    "event_retry": lambda r, f: r.event({"type": "app_mention"}, retry_num=1, **f),
    "url_verification": lambda r, f: r.url_verification("3eZbrw1aBm2rZgRNFdxV", **f),
}


def test_sign_reproduces_slack_documented_signature() -> None:
    vector = json.loads(VECTOR.read_text(encoding="utf-8"))

    signature = sign(
        vector["signing_secret"], vector["x_slack_request_timestamp"], vector["raw_body"]
    )

    assert signature == vector["x_slack_signature"]


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_signature_verifier_accepts_every_built_request(kind: str) -> None:
    request = BUILDERS[kind](SlackRequests(SECRET), {})

    valid = SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)

    assert valid, f"{kind}: slack_sdk's SignatureVerifier rejected the request"


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_signature_verifier_rejects_every_forged_request(kind: str) -> None:
    request = BUILDERS[kind](SlackRequests(SECRET), {"bad_signature": True})

    valid = SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)

    assert not valid, f"{kind}: a forged signature was accepted"


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_signature_verifier_rejects_every_expired_request(kind: str) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60

    request = BUILDERS[kind](SlackRequests(SECRET), {"timestamp": six_minutes_ago})

    assert not SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)


def test_signature_verifier_rejects_expired_timestamp() -> None:
    six_minutes_ago = int(time.time()) - 6 * 60
    request = SlackRequests(SECRET).slash_command("list", timestamp=six_minutes_ago)

    valid = SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)

    assert not valid


def test_signature_verifier_rejects_tampered_body() -> None:
    request = SlackRequests(SECRET).slash_command("list")

    valid = SignatureVerifier(SECRET).is_valid_request(request.body + "&x=1", request.headers)

    assert not valid


def test_slack_requests_event_retry_adds_retry_headers() -> None:
    requests = SlackRequests(SECRET)

    request = requests.event({"type": "app_mention"}, event_id="Ev1", retry_num=2)

    assert request.headers["X-Slack-Retry-Num"] == "2"
    assert request.headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert request.payload()["event_id"] == "Ev1"


def test_slack_requests_response_url_points_at_fake(slack_requests: SlackRequests) -> None:
    request = slack_requests.slash_command("list")

    response_url = request.payload()["response_url"]

    assert response_url.startswith("http://127.0.0.1:")
    assert "/response/" in response_url
