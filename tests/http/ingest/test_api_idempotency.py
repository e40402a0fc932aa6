"""Idempotency-Key: a retried POST is answered from the database and writes nothing."""

from __future__ import annotations

import asyncio

from bot.bootstrap.container import Services
from tests.http.ingest.conftest import AUTH, order, post, stored_counts
from tests.kit.common import FixedClock
from tests.kit.running_bot import RunningBot


async def test_retried_post_with_the_same_key_replays_the_first_answer(
    bot: RunningBot, services: Services
):
    batch = [order("SO-1"), order("SO-2", eta="soon")]
    first = await post(bot, batch, key="key-1")

    again = await post(bot, batch, key="key-1")

    assert first.status_code == again.status_code == 207
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() | {"replayed": True}
    assert await stored_counts(services) == (1, 1)


async def test_same_key_replays_even_after_the_order_changed_since(
    bot: RunningBot, services: Services
):
    await post(bot, order("SO-1"), key="key-1")
    await post(bot, order("SO-1", status="filled"))

    again = await post(bot, order("SO-1"), key="key-1")

    assert again.json()["items"][0]["outcome"] == "created"
    assert (await stored_counts(services))[0] == 1
    assert (await bot.http.get("/api/orders/SO-1", headers=AUTH)).json()["status"] == "filled"


async def test_same_key_with_a_different_body_is_422_and_writes_nothing(
    bot: RunningBot, services: Services
):
    await post(bot, order("SO-1"), key="key-1")

    response = await post(bot, order("SO-2"), key="key-1")

    assert response.status_code == 422
    assert response.json()["error"] == (
        "Idempotency-Key 'key-1' was used for a different request body; "
        "send a new key for new content"
    )
    assert await stored_counts(services) == (1, 1)


async def test_malformed_key_is_400(bot: RunningBot, services: Services):
    response = await post(bot, order("SO-1"), key="k" * 256)

    assert response.status_code == 400
    assert response.json()["error"] == (
        "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice)"
    )
    assert await stored_counts(services) == (0, 0)


async def test_concurrent_posts_with_one_key_write_once(bot: RunningBot, services: Services):
    batch = [order(f"SO-{n}") for n in range(200)]

    responses = await asyncio.gather(*(post(bot, batch, key="same") for _ in range(4)))

    assert [r.status_code for r in responses] == [200] * 4
    assert sorted(r.json()["replayed"] for r in responses) == [False, True, True, True]
    assert await stored_counts(services) == (200, 200)


async def test_keys_expire_after_a_day(bot: RunningBot, services: Services, clock: FixedClock):
    await post(bot, order("SO-1"), key="key-1")
    clock.advance(hours=25)

    response = await post(bot, order("SO-1", status="filled"), key="key-1")

    assert response.status_code == 200
    assert response.json()["replayed"] is False
    assert response.json()["items"][0]["outcome"] == "updated"


async def test_retry_with_the_same_json_serialised_differently_is_a_replay(
    bot: RunningBot, services: Services
):
    first_bytes = (
        b'[{"order_id": "SO-1", "customer": "Acme", "ordered_at": "2026-11-01",'
        b' "promised_date": "2026-11-30", "quantity": 12.50, "product": "caf\\u00e9"}]'
    )
    retry_bytes = (
        b'[ {\n  "product":"caf\xc3\xa9","quantity":1.25e1,"promised_date":"2026-11-30",\n'
        b'  "ordered_at":"2026-11-01","customer":"Acme","order_id":"SO-1"} ]'
    )
    headers = AUTH | {"Content-Type": "application/json", "Idempotency-Key": "key-1"}
    first = await bot.http.post("/api/orders", content=first_bytes, headers=headers)

    retry = await bot.http.post("/api/orders", content=retry_bytes, headers=headers)

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == first.json() | {"replayed": True}
    assert await stored_counts(services) == (1, 1)


async def test_same_key_with_a_number_differing_past_28_digits_is_a_different_body(
    bot: RunningBot, services: Services
):
    body = (
        '{{"order_id": "SO-1", "customer": "Acme", "ordered_at": "2026-11-01", '
        '"promised_date": "2026-11-30", "quantity": 1234567.12345678901234567890123{}}}'
    )
    headers = AUTH | {"Content-Type": "application/json", "Idempotency-Key": "key-1"}
    await bot.http.post("/api/orders", content=body.format(4).encode(), headers=headers)

    response = await bot.http.post("/api/orders", content=body.format(5).encode(), headers=headers)

    assert response.status_code == 422
    assert "was used for a different request body" in response.json()["error"]
    assert await stored_counts(services) == (1, 1)
