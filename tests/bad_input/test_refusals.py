"""Requests that are not Slack's are refused before anything runs: the exact status, a reason,
no call to Slack and no write. Each spoils requests that would otherwise write (a note, an
ETA) or call Slack (views.open)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import pytest

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.bootstrap.container import Services
from bot.sandbox.signing import Forge, SignedRequest, SlackRequests
from tests.kit.card import button, card, eta_state
from tests.kit.fuzz import REP, fingerprint
from tests.kit.running_bot import RunningBot

Build = Callable[[Forge], SignedRequest]
Spoil = Callable[[Build], SignedRequest]
UNSIGNED = "missing, invalid or expired Slack signature"
TOO_LARGE = "request body too large"


def without(header: str) -> Spoil:
    def spoil(build: Build) -> SignedRequest:
        request = build({})
        return replace(request, headers={k: v for k, v in request.headers.items() if k != header})

    return spoil


def with_header(header: str, value: str) -> Spoil:
    def spoil(build: Build) -> SignedRequest:
        request = build({})
        return replace(request, headers=request.headers | {header: value})

    return spoil


def changed_after_signing(build: Build) -> SignedRequest:
    request = build({})
    return replace(request, body=request.body.replace("SO-1001", "SO-1002"))


SPOILS: dict[str, Spoil] = {
    "forged signature": lambda build: build({"bad_signature": True}),
    "expired timestamp": lambda build: build({"timestamp": int(time.time()) - 6 * 60}),
    "timestamp from the future": lambda build: build({"timestamp": int(time.time()) + 6 * 60}),
    "no signature": without("X-Slack-Signature"),
    "no timestamp": without("X-Slack-Request-Timestamp"),
    "timestamp not a number": with_header("X-Slack-Request-Timestamp", "soon"),
    "body changed after signing": changed_after_signing,
}


@pytest.fixture
async def builds(bot: RunningBot, slack_requests: SlackRequests) -> list[Build]:
    """A slash command adding a note, the Update ETA button, the ETA modal's save."""
    value = button(await card(bot, slack_requests), ids.ETA_ACTION)["value"]
    context = ModalContext("SO-1001", 1, None, "C111").encode()
    state = eta_state("2026-12-01")
    bot.fake.reset()
    return [
        lambda forge: slack_requests.slash_command("note SO-1001 hi", user_id=REP, **forge),
        lambda forge: slack_requests.block_actions(
            ids.ETA_ACTION, value=value, user_id=REP, **forge
        ),
        lambda forge: slack_requests.view_submission(
            ids.ETA_MODAL, state, context, user_id=REP, **forge
        ),
    ]


async def chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), 64 << 10):
        yield body[start : start + (64 << 10)]


async def refusals(bot: RunningBot, requests: list[SignedRequest]) -> list[tuple[int, str]]:
    answers = []
    for request in requests:
        response = await bot.send(request)
        answers.append((response.status_code, response.json()["error"]))
    await bot.settle()
    return answers


@pytest.mark.parametrize("spoil", sorted(SPOILS))
async def test_requests_without_a_valid_slack_signature_are_refused_before_anything_runs(
    bot: RunningBot, services: Services, builds: list[Build], spoil: str
):
    before = await fingerprint(services)

    answers = await refusals(bot, [SPOILS[spoil](build) for build in builds])

    assert answers == [(401, UNSIGNED)] * len(builds)
    assert bot.fake.calls == []
    assert await fingerprint(services) == before


async def test_the_same_requests_signed_properly_go_through(
    bot: RunningBot, services: Services, builds: list[Build]
):
    before = await fingerprint(services)

    statuses = [(await bot.send(build({}))).status_code for build in builds]
    await bot.settle()

    assert statuses == [200] * len(builds)
    assert bot.fake.calls_to("views.open") != []
    assert await fingerprint(services) != before


async def test_bodies_over_one_mib_are_refused_even_when_signed(
    bot: RunningBot, services: Services, slack_requests: SlackRequests
):
    huge = slack_requests.slash_command("note SO-1001 " + "x" * (1 << 20), user_id=REP)
    before = await fingerprint(services)

    declared = await bot.send(huge)
    streamed = await bot.http.post(  # chunked: no Content-Length to go by
        "/slack/events", content=chunks(huge.body.encode()), headers=huge.headers
    )

    assert (declared.status_code, declared.json()["error"]) == (413, TOO_LARGE)
    assert (streamed.status_code, streamed.json()["error"]) == (413, TOO_LARGE)
    assert bot.fake.calls == []
    assert await fingerprint(services) == before
