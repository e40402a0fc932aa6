"""Pytest fixtures for the Slack fakes; tests/conftest.py imports them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.signing import SlackRequests
from tests.fakes.slack_api import FakeSlack

SIGNING_SECRET = "test-signing-secret"
# slack_sdk reads proxies from the environment and would send loopback calls through them.
_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@pytest.fixture
async def fake_slack(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeSlack]:
    """A started fake Slack Web API, stopped after the test."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def slack_requests(fake_slack: FakeSlack) -> SlackRequests:
    """Signed Slack requests whose response_url points at `fake_slack`."""
    return SlackRequests(SIGNING_SECRET, response_url_base=fake_slack.response_url_base)
