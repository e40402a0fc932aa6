"""The upstream adapter against httpx.MockTransport: pages, auth, retries, bad answers."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx
import pytest

from bot.integrations.sync.upstream import Pagination, UpstreamConfig, UpstreamSource, display_url
from bot.services.sync import SourceFailed
from tests.integrations.scripted import Answer, RecordedSleep, ScriptedUpstream, page, status

URL = "https://erp.example.com/api/orders"
SINCE = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def source(
    upstream: ScriptedUpstream, sleep: RecordedSleep | None = None, **config: object
) -> UpstreamSource:
    settings = UpstreamConfig(URL, **config)  # type: ignore[arg-type]
    return UpstreamSource(settings, transport=upstream.transport, sleep=sleep or RecordedSleep())


async def test_cursor_pages_follow_next_cursor_with_the_watermark():
    upstream = ScriptedUpstream([page([{"id": 1}], "c2"), page([{"id": 2}], None)])
    adapter = source(upstream)

    first = await adapter.fetch_page(SINCE, None)
    second = await adapter.fetch_page(SINCE, first.next_page)

    assert (first.records, first.next_page) == ([{"id": 1}], "c2")
    assert (second.records, second.next_page) == ([{"id": 2}], None)
    assert upstream.params(0) == {"updated_since": "2026-11-24T08:00:00Z", "limit": "100"}
    assert upstream.params(1) == {
        "updated_since": "2026-11-24T08:00:00Z",
        "limit": "100",
        "cursor": "c2",
    }


async def test_first_run_without_watermark_asks_for_everything():
    upstream = ScriptedUpstream([page([])])

    await source(upstream).fetch_page(None, None)

    assert upstream.params(0) == {"limit": "100"}


async def test_page_numbers_stop_at_a_short_page():
    answers = [
        httpx.Response(200, json={"data": {"items": [{"id": 1}, {"id": 2}]}}),
        httpx.Response(200, json={"data": {"items": [{"id": 3}]}}),
    ]
    upstream = ScriptedUpstream(answers)
    adapter = source(
        upstream,
        pagination=Pagination.PAGE,
        page_size=2,
        items_field="data.items",
        since_param="modified_after",
    )

    first = await adapter.fetch_page(SINCE, None)
    second = await adapter.fetch_page(SINCE, first.next_page)

    assert (first.next_page, second.next_page) == ("2", None)
    assert upstream.params(0) == {
        "modified_after": "2026-11-24T08:00:00Z",
        "page": "1",
        "per_page": "2",
    }
    assert upstream.params(1)["page"] == "2"


async def test_a_body_that_is_the_list_and_a_nested_cursor():
    upstream = ScriptedUpstream([httpx.Response(200, json=[{"id": 1}])])
    nested = ScriptedUpstream([httpx.Response(200, json={"orders": [], "meta": {"next": 17}})])

    whole = await source(upstream, items_field="").fetch_page(None, None)
    followed = await source(nested, cursor_field="meta.next").fetch_page(None, None)

    assert (whole.records, whole.next_page) == ([{"id": 1}], None)
    assert followed.next_page == "17"


async def test_credentials_are_sent_as_configured():
    upstream = ScriptedUpstream([page([])])
    headers = {"Authorization": "Bearer s3cret", "X-Api-Key": "k3y"}

    await source(upstream, headers=headers).fetch_page(None, None)

    sent = upstream.requests[0].headers
    assert (sent["authorization"], sent["x-api-key"]) == ("Bearer s3cret", "k3y")


async def test_5xx_and_timeouts_are_retried_with_doubling_backoff():
    answers: list[Answer] = [status(503), httpx.ReadTimeout("slow"), status(502), page([{"id": 1}])]
    upstream = ScriptedUpstream(answers)
    sleep = RecordedSleep()

    fetched = await source(upstream, sleep).fetch_page(None, None)

    assert fetched.records == [{"id": 1}]
    assert sleep.delays == [1.0, 2.0, 4.0]
    assert len(upstream.requests) == 4


async def test_each_failed_attempt_is_logged_as_a_warning_with_its_number_and_reason(
    caplog: pytest.LogCaptureFixture,
):
    answers: list[Answer] = [status(503), httpx.ReadTimeout("read timed out"), status(502)]
    upstream = ScriptedUpstream(answers)
    adapter = source(upstream, retries=2, headers={"Authorization": "Bearer s3cret"})
    caplog.set_level(logging.WARNING, logger="bot.integrations.sync.upstream")

    with pytest.raises(SourceFailed):
        await adapter.fetch_page(None, None)

    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"upstream attempt 1 of 3 failed: HTTP 503 ({URL}; will retry)"),
        (
            "WARNING",
            f"upstream attempt 2 of 3 failed: ReadTimeout read timed out ({URL}; will retry)",
        ),
        ("WARNING", f"upstream attempt 3 of 3 failed: HTTP 502 ({URL}; giving up)"),
    ]
    assert "s3cret" not in caplog.text


async def test_429_waits_as_long_as_retry_after_says():
    upstream = ScriptedUpstream([status(429, **{"Retry-After": "7"}), page([])])
    sleep = RecordedSleep()

    await source(upstream, sleep).fetch_page(None, None)

    assert sleep.delays == [7.0]


async def test_backoff_is_capped():
    upstream = ScriptedUpstream([status(429, **{"Retry-After": "3600"}), page([])])
    sleep = RecordedSleep()

    await source(upstream, sleep, max_backoff_seconds=30.0).fetch_page(None, None)

    assert sleep.delays == [30.0]


async def test_giving_up_after_the_retries_names_the_last_failure():
    upstream = ScriptedUpstream([status(500), status(500), status(500), status(503)])
    sleep = RecordedSleep()

    with pytest.raises(SourceFailed, match=r"^upstream failed 4 times; last: HTTP 503$"):
        await source(upstream, sleep).fetch_page(None, None)

    assert sleep.delays == [1.0, 2.0, 4.0]


async def test_other_4xx_fail_at_once_without_retrying():
    upstream = ScriptedUpstream([httpx.Response(401, text="bad token")])
    sleep = RecordedSleep()

    with pytest.raises(SourceFailed) as failed:
        await source(upstream, sleep).fetch_page(None, None)

    assert str(failed.value) == "upstream refused the request: HTTP 401 'bad token'"
    assert sleep.delays == []


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (httpx.Response(200, text="<html>"), "upstream answered '<html>', which is not JSON"),
        (
            httpx.Response(200, json={"rows": []}),
            "upstream answer has no list of orders at 'orders'",
        ),
        (
            httpx.Response(200, json={"orders": [], "next_cursor": {"a": 1}}),
            "upstream's 'next_cursor' is not a cursor",
        ),
    ],
)
async def test_answers_of_the_wrong_shape_fail_with_the_reason(answer: httpx.Response, reason: str):
    upstream = ScriptedUpstream([answer])

    with pytest.raises(SourceFailed) as failed:
        await source(upstream).fetch_page(None, None)

    assert str(failed.value) == reason


def test_display_url_drops_credentials_and_query():
    shown = display_url("https://user:pw@erp.example.com:8443/api/orders?api_key=x")

    assert shown == "https://erp.example.com:8443/api/orders"
