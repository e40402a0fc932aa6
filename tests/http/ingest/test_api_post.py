"""POST /api/orders: the CSV import's rules and messages, per-item results, batch limits."""

from __future__ import annotations

import json
from pathlib import Path

from bot.bootstrap.container import Services
from bot.services.ingest.csv_import.rows import ImportOptions, RowProblem
from bot.services.ingest.csv_import.service import ImportSinks
from storage.orders.tables import EventKind, EventSource
from tests.http.ingest.conftest import AUTH, order, post, stored_counts
from tests.kit.common import order_row, write_csv
from tests.kit.running_bot import RunningBot
from tests.services.conftest import events_of, load_order


async def test_post_one_order_creates_it_with_an_api_event(bot: RunningBot, services: Services):
    response = await post(bot, order("SO-1", quantity=12.5, value="1,200.50", status="on hold"))

    assert response.status_code == 200
    assert response.json() == {
        "verdict": "accepted",
        "landed": 1,
        "rejected": 0,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "stale": 0,
        "replayed": False,
        "items": [
            {
                "index": 0,
                "order_id": "SO-1",
                "outcome": "created",
                "landed": True,
                "changed": [],
                "problems": [],
                "note": None,
            }
        ],
    }
    stored = await load_order(services, "SO-1")
    assert (str(stored.quantity), str(stored.value), stored.status) == (
        "12.500",
        "1200.50",
        "backordered",
    )
    [created] = await events_of(services, "SO-1")
    assert (created.kind, created.source, created.actor) == (
        EventKind.CREATED,
        EventSource.API,
        "api",
    )
    assert created.note == "api item 0"


async def test_post_update_changes_only_what_differs_and_logs_each_change(
    bot: RunningBot, services: Services
):
    await post(bot, order("SO-1"))

    response = await post(bot, [order("SO-1", eta="2026-12-04", status="backordered")])

    assert response.json()["items"][0]["outcome"] == "updated"
    assert response.json()["items"][0]["changed"] == ["status", "eta"]
    stored = await load_order(services, "SO-1")
    assert (stored.slip_count, stored.days_slipped, str(stored.promised_date)) == (
        1,
        4,
        "2026-11-30",
    )
    kinds = [event.kind for event in await events_of(services, "SO-1")]
    assert kinds == [EventKind.CREATED, EventKind.STATUS_CHANGED, EventKind.ETA_CHANGED]


async def test_post_older_updated_at_is_skipped_as_stale(bot: RunningBot, services: Services):
    await post(bot, order("SO-1", updated_at="2026-11-20T10:00:00Z", customer="New name"))

    response = await post(bot, order("SO-1", updated_at="2026-11-19T10:00:00Z", customer="Old"))

    item = response.json()["items"][0]
    assert (response.status_code, item["outcome"], item["landed"]) == (200, "stale", True)
    assert item["note"] == "updated_at 2026-11-19T10:00:00+00:00 is older than the stored one"
    assert (await load_order(services, "SO-1")).customer == "New name"


async def test_post_rejects_items_with_the_same_reasons_as_the_csv_import(
    bot: RunningBot, services: Services, tmp_path: Path
):
    bad = {"promised_date": "2026-13-45", "quantity": "-3", "currency": "dollars"}
    csv_problems: list[RowProblem] = []
    path = write_csv(tmp_path / "bad.csv", [order_row(**bad)])
    await services.importer.import_csv(
        path, ImportOptions(), ImportSinks(problem=csv_problems.append)
    )

    response = await post(bot, [order("SO-9", **bad)])

    assert response.status_code == 422
    item = response.json()["items"][0]
    assert (item["order_id"], item["outcome"], item["landed"]) == ("SO-9", "rejected", False)
    api_reasons = {(p["field"], p["reason"]) for p in item["problems"]}
    assert api_reasons == {(p.column, p.reason) for p in csv_problems}
    assert len(api_reasons) == 3
    assert await stored_counts(services) == (0, 0)


async def test_post_reports_missing_fields_unknown_fields_and_wrong_json_types(bot: RunningBot):
    items = [
        {"order_id": "SO-1", "customer": "", "colour": "red"},
        order("SO-2", quantity=True, team=7, sku={"a": 1}),
        "SO-3",
        order(12345),
    ]

    response = await post(bot, items)

    body = response.json()
    assert response.status_code == 207
    reasons = [{p["field"]: p["reason"] for p in item["problems"]} for item in body["items"]]
    assert reasons[0] == {
        "colour": "unknown field (the fields are: order_id, customer, ordered_at, promised_date,"
        " customer_email, owner, team, sku, product, supplier, quantity, value, currency,"
        " status, eta, updated_at)",
        "customer": "required, but empty",
        "ordered_at": "required, but missing",
        "promised_date": "required, but missing",
    }
    assert reasons[1] == {
        "quantity": "must be a number or a string, not true/false",
        "team": "must be a string, not a number (7)",
        "sku": "must be a string, not an object",
    }
    assert reasons[2] == {"(item)": "an order must be a JSON object, not a string"}
    assert [item["outcome"] for item in body["items"]] == [
        "rejected",
        "rejected",
        "rejected",
        "created",
    ]
    assert body["items"][3]["order_id"] == "12345"


async def test_post_partial_batch_says_exactly_which_items_landed(
    bot: RunningBot, services: Services
):
    items = [order("SO-1"), order("SO-2", ordered_at="yesterday"), order("SO-3")]

    response = await post(bot, items)

    body = response.json()
    assert response.status_code == 207
    assert (body["verdict"], body["landed"], body["rejected"]) == ("partial", 2, 1)
    assert [(i["index"], i["order_id"], i["landed"]) for i in body["items"]] == [
        (0, "SO-1", True),
        (1, "SO-2", False),
        (2, "SO-3", True),
    ]
    assert await stored_counts(services) == (2, 2)


async def test_post_same_id_twice_in_a_batch_applies_both_in_order(
    bot: RunningBot, services: Services
):
    items = [order("SO-1", status="received"), order("SO-1", status="filled")]

    response = await post(bot, items)

    assert [i["outcome"] for i in response.json()["items"]] == ["created", "updated"]
    assert (await load_order(services, "SO-1")).status == "filled"


async def test_post_batch_of_1000_lands_in_one_request(bot: RunningBot, services: Services):
    items = [order(f"SO-{n:04d}", sku=f"SKU-{n % 7}", quantity=n) for n in range(1000)]

    response = await post(bot, items)

    assert response.status_code == 200
    assert response.json()["created"] == 1000
    assert await stored_counts(services) == (1000, 1000)


async def test_post_batch_over_1000_is_refused_whole(bot: RunningBot, services: Services):
    response = await post(bot, [order(f"SO-{n}") for n in range(1001)])

    assert response.status_code == 422
    assert response.json()["error"] == "a batch holds at most 1,000 orders, not 1,001"
    assert await stored_counts(services) == (0, 0)


async def test_post_empty_batch_and_non_order_bodies_are_422(bot: RunningBot):
    empty = await post(bot, [])
    scalar = await post(bot, "SO-1")

    assert (empty.status_code, empty.json()["error"]) == (
        422,
        "the batch is empty: send at least one order",
    )
    assert (scalar.status_code, scalar.json()["error"]) == (
        422,
        "send one order as a JSON object or a batch as a JSON array of them",
    )


async def test_post_broken_json_is_400_with_the_parser_reason(bot: RunningBot):
    headers = AUTH | {"Content-Type": "application/json"}
    broken = await bot.http.post("/api/orders", content=b'{"order_id": ', headers=headers)
    nan = await bot.http.post("/api/orders", content=b'{"value": NaN}', headers=headers)
    empty = await bot.http.post("/api/orders", content=b"", headers=headers)

    assert broken.status_code == nan.status_code == empty.status_code == 400
    assert broken.json()["error"].startswith("the body is not valid JSON: Expecting value")
    assert nan.json()["error"] == "the body is not valid JSON: NaN is not a JSON value"
    assert empty.json()["error"] == "the body is not valid JSON: the body is empty"


async def test_post_other_media_types_are_415(bot: RunningBot):
    headers = AUTH | {"Content-Type": "text/csv"}

    response = await bot.http.post("/api/orders", content=b"order_id\nSO-1\n", headers=headers)

    assert response.status_code == 415
    assert response.json()["error"] == "send the orders as application/json, not 'text/csv'"


async def test_post_body_over_the_cap_is_413_before_parsing(bot: RunningBot, services: Services):
    product = "x" * 9000
    items = [order(f"SO-{n}", product=product) for n in range(1000)]
    body = json.dumps(items).encode()
    headers = AUTH | {"Content-Type": "application/json"}

    response = await bot.http.post("/api/orders", content=body, headers=headers)

    assert len(body) > 8 << 20
    assert response.status_code == 413
    assert response.json()["error"] == "the body is over 8 MiB; send at most 1,000 orders"
    assert await stored_counts(services) == (0, 0)
