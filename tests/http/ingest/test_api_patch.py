"""PATCH /api/orders/{order_id}: a partial change under the POST's rules and event log."""

from __future__ import annotations

from typing import Any

import httpx

from bot.bootstrap.container import Services
from storage.orders.tables import EventKind, EventSource
from tests.http.ingest.conftest import AUTH, order, post, stored_counts
from tests.kit.common import FixedClock
from tests.kit.running_bot import RunningBot
from tests.services.conftest import events_of, load_order


async def patch(bot: RunningBot, order_id: str, body: Any) -> httpx.Response:
    """PATCH /api/orders/{order_id} with the token."""
    return await bot.http.patch(f"/api/orders/{order_id}", json=body, headers=AUTH)


async def test_patch_status_alone_closes_the_order_and_logs_it(
    bot: RunningBot, services: Services, clock: FixedClock
):
    await post(bot, order("SO-1", status="backordered"))
    clock.advance(hours=3)

    response = await patch(bot, "SO-1", {"status": "shipped"})

    assert response.status_code == 200
    body = response.json()
    assert (body["outcome"], body["changed"], body["note"]) == ("updated", ["status"], None)
    assert body["order"]["status"] == "filled" and body["order"]["open"] is False
    assert body["order"]["closed_at"] == "2026-11-24T12:00:00Z"
    assert body["order"]["version"] == 2
    event = (await events_of(services, "SO-1"))[-1]
    assert (event.kind, event.source, event.actor) == (
        EventKind.STATUS_CHANGED,
        EventSource.API,
        "api",
    )
    assert (event.old_value, event.new_value) == ("backordered", "filled")


async def test_patch_eta_moves_it_and_counts_the_slip(bot: RunningBot, services: Services):
    await post(bot, order("SO-1", promised_date="2026-11-30"))

    response = await patch(bot, "SO-1", {"eta": "2026-12-04"})

    body = response.json()
    assert (response.status_code, body["changed"]) == (200, ["eta"])
    assert (body["order"]["eta"], body["order"]["promised_date"]) == ("2026-12-04", "2026-11-30")
    assert (body["order"]["slip_count"], body["order"]["days_slipped"]) == (1, 4)
    event = (await events_of(services, "SO-1"))[-1]
    assert (event.kind, event.note) == (EventKind.ETA_CHANGED, "slipped 4 day(s)")


async def test_patch_repeated_changes_nothing_the_second_time(bot: RunningBot, services: Services):
    await post(bot, order("SO-1"))
    await patch(bot, "SO-1", {"status": "filled", "customer": None, "team": ""})

    again = await patch(bot, "SO-1", {"status": "filled"})

    assert again.status_code == 200
    assert (again.json()["outcome"], again.json()["changed"]) == ("unchanged", [])
    assert await stored_counts(services) == (1, 2)


async def test_patch_older_updated_at_is_skipped_as_stale(bot: RunningBot, services: Services):
    await post(bot, order("SO-1", team="emea", updated_at="2026-11-10T00:00:00Z"))

    response = await patch(bot, "SO-1", {"team": "apac", "updated_at": "2026-11-09T00:00:00Z"})

    assert response.status_code == 200
    assert response.json()["outcome"] == "stale"
    assert "older than the stored one" in response.json()["note"]
    assert (await load_order(services, "SO-1")).team == "emea"


async def test_patch_unknown_order_is_404_and_creates_nothing(bot: RunningBot, services: Services):
    response = await patch(bot, "SO-404", order("SO-404"))

    assert response.status_code == 404
    assert response.json()["error"] == "no order has the id 'SO-404'"
    assert await stored_counts(services) == (0, 0)


async def test_patch_bad_values_are_422_with_a_reason_per_field_and_change_nothing(
    bot: RunningBot, services: Services
):
    await post(bot, order("SO-1"))

    response = await patch(
        bot,
        "SO-1",
        {"eta": "soon", "status": "teleported", "colour": "red", "order_id": "SO-2", "team": 7},
    )

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "the change cannot be applied"
    reasons = {p["field"]: p["reason"] for p in body["problems"]}
    assert set(reasons) == {"colour", "order_id", "team", "status", "eta"}
    assert reasons["eta"] == "unreadable date 'soon' (e.g. 2006-06-02, 2-Jun-06 or 06/02/2006)"
    assert reasons["order_id"] == (
        "'SO-2' is not the order in the URL ('SO-1'); an order id cannot change"
    )
    assert reasons["team"] == "must be a string, not a number (7)"
    assert reasons["colour"].startswith("unknown field (the fields are: order_id, customer")
    assert (await load_order(services, "SO-1")).version == 1
    assert await stored_counts(services) == (1, 1)


async def test_patch_bodies_that_change_nothing_or_are_no_object_are_422(bot: RunningBot):
    await post(bot, order("SO-1"))

    empty = await patch(bot, "SO-1", {})
    nulls = await patch(bot, "SO-1", {"eta": None, "order_id": "SO-1"})
    array = await patch(bot, "SO-1", [{"status": "filled"}])

    assert [r.status_code for r in (empty, nulls, array)] == [422, 422, 422]
    assert (
        empty.json()["problems"]
        == nulls.json()["problems"]
        == [{"field": "(body)", "reason": 'names no field to change (null and "" change nothing)'}]
    )
    assert array.json()["problems"] == [
        {"field": "(body)", "reason": "a change must be a JSON object, not an array"}
    ]


async def test_patch_refuses_what_post_refuses_before_reading(bot: RunningBot):
    await post(bot, order("SO-1"))
    url = "/api/orders/SO-1"

    broken = await bot.http.patch(
        url, content=b"{", headers=AUTH | {"Content-Type": "application/json"}
    )
    csv = await bot.http.patch(
        url, content=b"status\nfilled\n", headers=AUTH | {"Content-Type": "text/csv"}
    )

    assert (broken.status_code, csv.status_code) == (400, 415)


async def test_openapi_documents_patch_and_its_answers(bot: RunningBot):
    document = (await bot.http.get("/api/openapi.json")).json()

    operation = document["paths"]["/api/orders/{order_id}"]["patch"]
    schema = document["components"]["schemas"]["OrderPatch"]
    assert operation["operationId"] == "patchOrder"
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderPatch"
    }
    assert set(operation["responses"]) == {"200", "400", "401", "404", "413", "415", "422", "503"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PatchOut"
    }
    assert "required" not in schema and schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(
        document["components"]["schemas"]["OrderIn"]["properties"]
    )
    assert "null" in schema["properties"]["order_id"]["type"]
