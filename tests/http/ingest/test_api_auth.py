"""The ingest API's bearer token: missing, wrong, unset; the OpenAPI document is public."""

from __future__ import annotations

import hmac

import pytest

from bot.bootstrap.container import Services
from bot.sandbox.web_api import FakeSlack
from tests.http.ingest.conftest import AUTH, order, stored_counts
from tests.kit.running_bot import API_TOKEN, RunningBot, running_bot

ROUTES = [
    ("POST", "/api/orders"),
    ("GET", "/api/orders"),
    ("GET", "/api/orders/SO-1"),
    ("PATCH", "/api/orders/SO-1"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_api_without_a_token_is_401_with_a_bearer_challenge(
    bot: RunningBot, method: str, path: str
):
    response = await bot.http.request(method, path, json=order())

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="backlog"'
    assert response.json()["error"] == "send the token as Authorization: Bearer BACKLOG_API_TOKEN"


@pytest.mark.parametrize(
    "header",
    [
        f"Bearer {API_TOKEN}x",
        f"Bearer {API_TOKEN[:-1]}",
        "Bearer " + "z" * len(API_TOKEN),
        f"Basic {API_TOKEN}",
        "Bearer",
    ],
)
async def test_api_with_a_wrong_token_is_401_and_writes_nothing(
    bot: RunningBot, services: Services, header: str
):
    response = await bot.http.post("/api/orders", json=order(), headers={"Authorization": header})

    assert response.status_code == 401
    assert "error" in response.json()
    assert await stored_counts(services) == (0, 0)


async def test_api_token_comparison_uses_equal_length_digests(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
):
    compared: list[tuple[bytes, bytes]] = []
    compare = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    headers = {"Authorization": "Bearer short"}

    refused = await bot.http.get("/api/orders", headers=headers)
    accepted = await bot.http.get("/api/orders", headers=AUTH)

    assert (refused.status_code, accepted.status_code) == (401, 200)
    assert [(len(a), len(b)) for a, b in compared] == [(32, 32), (32, 32)]


async def test_api_is_off_with_a_clear_reason_when_no_token_is_set(
    services: Services, fake_slack: FakeSlack
):
    async with running_bot(services, fake_slack, BACKLOG_API_TOKEN="") as bot:
        response = await bot.http.post("/api/orders", json=order(), headers=AUTH)
        document = await bot.http.get("/api/openapi.json")

    assert response.status_code == 503
    assert response.json()["error"] == (
        "the ingest API is off: set BACKLOG_API_TOKEN to turn it on"
    )
    assert document.status_code == 200


async def test_openapi_document_is_served_without_a_token(bot: RunningBot):
    response = await bot.http.get("/api/openapi.json")

    document = response.json()
    assert response.status_code == 200
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/orders", "/api/orders/{order_id}"}
    assert document["components"]["schemas"]["OrderIn"]["required"] == [
        "order_id",
        "customer",
        "ordered_at",
        "promised_date",
    ]
