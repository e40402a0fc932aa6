"""GET /api/orders/{order_id} and GET /api/orders: fields, filters, cursor paging."""

from __future__ import annotations

from typing import Any

from tests.http.ingest.conftest import get, order, post
from tests.kit.running_bot import RunningBot

# The fixed clock says 2026-11-24 (a Tuesday), 09:00 UTC.


async def seed(bot: RunningBot, items: list[dict[str, Any]]) -> None:
    response = await post(bot, items)
    assert response.status_code == 200, response.text


async def test_get_order_returns_its_fields_and_lag_reasons(bot: RunningBot):
    await seed(
        bot,
        [order("SO-1", promised_date="2026-11-20", eta="2026-11-27", quantity="3", value=99.5)],
    )

    response = await get(bot, "/api/orders/SO-1")

    body = response.json()
    assert response.status_code == 200
    assert {k: body[k] for k in ("order_id", "promised_date", "eta", "quantity", "value")} == {
        "order_id": "SO-1",
        "promised_date": "2026-11-20",
        "eta": "2026-11-27",
        "quantity": "3.000",
        "value": "99.50",
    }
    assert (body["slip_count"], body["days_slipped"], body["open"]) == (1, 7, True)
    assert body["lagging"] == ["slipped", "not_told"]
    assert body["ordered_at"] == "2026-11-01T10:00:00Z"


async def test_get_order_ids_with_slashes_and_unknown_ids(bot: RunningBot):
    await seed(bot, [order("PO/2026/7")])

    found = await get(bot, "/api/orders/PO%2F2026%2F7")
    missing = await get(bot, "/api/orders/SO-404")
    nul = await get(bot, "/api/orders/SO%00")

    assert (found.status_code, found.json()["order_id"]) == (200, "PO/2026/7")
    assert (missing.status_code, missing.json()["error"]) == (404, "no order has the id 'SO-404'")
    assert nul.status_code == 404


async def test_list_pages_through_every_order_by_id(bot: RunningBot):
    await seed(bot, [order(f"SO-{n:02d}") for n in range(25)])
    seen: list[str] = []
    params = {"limit": "10"}
    links: list[str] = []

    while True:
        page = (await get(bot, "/api/orders", **params)).json()
        seen.extend(item["order_id"] for item in page["items"])
        if page["next"] is None:
            break
        links.append(page["next"])
        params = {"limit": "10", "cursor": page["next_cursor"]}

    assert seen == [f"SO-{n:02d}" for n in range(25)]
    assert len(links) == 2
    assert links[0].startswith("/api/orders?limit=10&cursor=")


async def test_list_next_link_and_link_header_lead_to_the_next_page(bot: RunningBot):
    await seed(bot, [order(f"SO-{n}") for n in range(3)])

    first = await get(bot, "/api/orders", limit="2", status="received")
    second = await get(bot, first.json()["next"])

    assert first.headers["link"] == f'<{first.json()["next"]}>; rel="next"'
    assert [item["order_id"] for item in second.json()["items"]] == ["SO-2"]
    assert second.json()["next"] is None
    assert "link" not in second.headers


async def test_list_filters_by_status(bot: RunningBot):
    await seed(
        bot,
        [order("SO-1"), order("SO-2", status="filled"), order("SO-3", status="cancelled")],
    )

    closed = await get(bot, "/api/orders", status="filled,cancelled")
    received = await get(bot, "/api/orders", status="received")

    assert [item["order_id"] for item in closed.json()["items"]] == ["SO-2", "SO-3"]
    assert [item["order_id"] for item in received.json()["items"]] == ["SO-1"]


async def test_list_lagging_uses_the_lag_rules(bot: RunningBot):
    await seed(
        bot,
        [
            order("SO-1", promised_date="2026-11-20"),  # overdue
            order("SO-2", promised_date="2026-12-30"),  # on time
            order("SO-3", promised_date="2026-11-20", status="filled"),  # closed
            order("SO-4", promised_date="2026-12-30", ordered_at="2026-09-01"),  # aging
            order("SO-5", promised_date="2026-12-30", status="backordered"),  # no ETA
        ],
    )

    lagging = (await get(bot, "/api/orders", lagging="true")).json()["items"]
    calm = (await get(bot, "/api/orders", lagging="false")).json()["items"]

    assert {item["order_id"]: item["lagging"] for item in lagging} == {
        "SO-1": ["overdue", "no_eta", "not_told"],
        "SO-4": ["aging"],
        "SO-5": ["no_eta"],
    }
    assert [item["order_id"] for item in calm] == ["SO-2", "SO-3"]


async def test_list_lagging_pages_are_exact_when_rows_are_skipped(bot: RunningBot):
    overdue = [order(f"SO-{n:02d}", promised_date="2026-11-20") for n in range(0, 30, 2)]
    on_time = [order(f"SO-{n:02d}") for n in range(1, 30, 2)]
    await seed(bot, overdue + on_time)
    seen: list[str] = []
    params = {"lagging": "true", "limit": "4"}

    while True:
        page = (await get(bot, "/api/orders", **params)).json()
        seen.extend(item["order_id"] for item in page["items"])
        if not page["next_cursor"]:
            break
        params |= {"cursor": page["next_cursor"]}

    assert seen == [f"SO-{n:02d}" for n in range(0, 30, 2)]


async def test_list_names_every_bad_parameter(bot: RunningBot):
    response = await get(
        bot, "/api/orders", status="open,filled", lagging="maybe", limit="0", cursor="!!"
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": "a query parameter cannot be read",
        "problems": [
            {
                "field": "status",
                "reason": "unknown status 'open' (received, confirmed, backordered,"
                " partially_filled, filled, cancelled)",
            },
            {"field": "lagging", "reason": "must be true or false, not 'maybe'"},
            {"field": "limit", "reason": "must be a whole number from 1 to 1000, not '0'"},
            {"field": "cursor", "reason": "not a cursor this API returned"},
        ],
    }
