"""Schema-driven fuzzing of the ingest API over real HTTP: no input gets a 5xx, and every
answer is one the OpenAPI document lists, with a body of the documented shape."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from bot.bootstrap.container import Services
from bot.http.ingest.models import RESPONSE_MODELS
from bot.http.ingest.openapi import build_openapi
from bot.sandbox.web_api import FakeSlack
from tests.http.ingest.conftest import AUTH, order, post
from tests.http.ingest.schema_strategies import ANY_JSON, SchemaStrategies, json_body
from tests.kit.running_bot import RunningBot, running_bot

MODELS: dict[str, type[BaseModel]] = {model.__name__: model for model in RESPONSE_MODELS}
# Bounded so that the four tests stay within a few seconds per database.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
async def fuzzed(services: Services, fake_slack: FakeSlack) -> AsyncIterator[Fuzzed]:
    async with running_bot(services, fake_slack) as bot:
        seeded = await post(bot, [order(str(order_id)) for order_id in _EXAMPLE_IDS])
        assert seeded.status_code == 200, seeded.text
        document = (await bot.http.get("/api/openapi.json")).json()
        yield Fuzzed(bot, document)


class Fuzzed:
    """The running bot with its own OpenAPI document and strategies built from it."""

    def __init__(self, bot: RunningBot, document: dict[str, Any]) -> None:
        self.bot = bot
        self.document = document
        self.strategies = SchemaStrategies(document)

    def operation(self, path: str, method: str) -> dict[str, Any]:
        found: dict[str, Any] = self.document["paths"][path][method]
        return found

    def check(self, path: str, method: str, response: httpx.Response) -> None:
        """The status is documented and below 500; the body fits the documented schema."""
        responses = self.operation(path, method)["responses"]
        status = str(response.status_code)
        event(f"{method} {path}: {status}")  # --hypothesis-show-statistics shows the spread
        assert response.status_code < 500, response.text
        assert status in responses, f"{method} {path} answered undocumented {status}"
        schema = responses[status]["content"]["application/json"]["schema"]
        options = schema.get("anyOf", [schema])
        names = [option["$ref"].rsplit("/", 1)[-1] for option in options]
        assert any(_fits(MODELS[name], response.json()) for name in names), response.text


def _fits(model: type[BaseModel], body: Any) -> bool:
    try:
        model.model_validate(body, strict=False)
    except ValidationError:
        return False
    return True


# Hypothesis needs the strategies before any fixture exists: the document is built the way
# the server builds it, and the first test checks that it is the one served.
_DOCUMENT = build_openapi()
_STRATEGIES = SchemaStrategies(_DOCUMENT)
_POST = _DOCUMENT["paths"]["/api/orders"]["post"]
_LIST = _DOCUMENT["paths"]["/api/orders"]["get"]
_PATCH = _DOCUMENT["paths"]["/api/orders/{order_id}"]["patch"]
_EXAMPLE_IDS = _DOCUMENT["components"]["schemas"]["OrderIn"]["properties"]["order_id"]["examples"]
_KEYS = st.none() | st.sampled_from(["k-1", "k-2"]) | st.text(st.characters(codec="ascii"))


def _query_strategy() -> st.SearchStrategy[dict[str, str]]:
    values = {
        p["name"]: (_STRATEGIES.valid(p["schema"]).map(str) | st.text(max_size=12))
        for p in _LIST["parameters"]
    }
    return st.fixed_dictionaries({}, optional=values)


async def test_fuzz_served_document_is_the_one_the_strategies_use(fuzzed: Fuzzed):
    assert fuzzed.document == _DOCUMENT


@FUZZ
@given(
    body=_STRATEGIES.hostile(_POST["requestBody"]["content"]["application/json"]["schema"]),
    key=_KEYS,
)
async def test_fuzz_post_orders_never_fails_with_5xx(fuzzed: Fuzzed, body: Any, key: str | None):
    headers = AUTH | {"Content-Type": "application/json"}
    if key is not None and key.isprintable():
        headers["Idempotency-Key"] = key

    response = await fuzzed.bot.http.post("/api/orders", content=json_body(body), headers=headers)

    fuzzed.check("/api/orders", "post", response)


@FUZZ
@given(params=_query_strategy())
async def test_fuzz_list_orders_never_fails_with_5xx(fuzzed: Fuzzed, params: dict[str, str]):
    response = await fuzzed.bot.http.get("/api/orders", params=params, headers=AUTH)

    fuzzed.check("/api/orders", "get", response)


@FUZZ
@given(
    order_id=st.sampled_from([str(order_id) for order_id in _EXAMPLE_IDS])
    | st.text(st.characters(codec="utf-8"), min_size=1, max_size=140)
    | ANY_JSON.map(str)
)
async def test_fuzz_get_order_never_fails_with_5xx(fuzzed: Fuzzed, order_id: str):
    path = f"/api/orders/{quote(order_id, safe='')}"

    response = await fuzzed.bot.http.get(path, headers=AUTH)

    fuzzed.check("/api/orders/{order_id}", "get", response)


@FUZZ
@given(
    order_id=st.sampled_from([str(order_id) for order_id in _EXAMPLE_IDS])
    | st.text(st.characters(codec="utf-8"), min_size=1, max_size=140),
    body=_STRATEGIES.hostile(_PATCH["requestBody"]["content"]["application/json"]["schema"]),
)
async def test_fuzz_patch_order_never_fails_with_5xx(fuzzed: Fuzzed, order_id: str, body: Any):
    path = f"/api/orders/{quote(order_id, safe='')}"
    headers = AUTH | {"Content-Type": "application/json"}

    response = await fuzzed.bot.http.patch(path, content=json_body(body), headers=headers)

    fuzzed.check("/api/orders/{order_id}", "patch", response)
