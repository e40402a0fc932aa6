"""Slack's sample payloads replayed through the real app, correctly signed, with each top-level
field removed and given values of the wrong type: never a 5xx.

Each sample's fields are filled with what this app registers (its command, action, shortcut,
modal), so that the listeners behind them run; the samples themselves are replayed too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.blocks.kit import ids
from bot.blocks.kit.forms import ModalContext
from bot.sandbox.signing import SignedRequest, SlackRequests
from tests.kit.card import button, card, eta_state
from tests.kit.fuzz import REP
from tests.kit.payloads import PAYLOADS, SAMPLE_FILES, sample
from tests.kit.running_bot import RunningBot

WRONG_JSON: list[Any] = [None, 0, -1, 1.5, True, "", "x", [], {}, [{}], {"id": 1}]
# A form holds only strings: the wrong "types" are strings that are not what was meant.
WRONG_FORM = ["", "0", "null", "[]", "{}", "x" * 300, "\x00"]
Live = Callable[[RunningBot, SlackRequests], SignedRequest]


async def live_request(bot: RunningBot, requests: SlackRequests, name: str) -> SignedRequest:
    """A request of the sample's kind that reaches one of this app's listeners."""
    context = ModalContext("SO-1001", 1, requests.response_url_base, "C111").encode()
    if name == "SlashCommandPayload.json":
        return requests.slash_command("SO-1001", user_id=REP)
    if name == "BlockActionPayload.json":
        value = button(await card(bot, requests), ids.ETA_ACTION)["value"]
        return requests.block_actions(ids.ETA_ACTION, value=value, user_id=REP)
    if name == "MessageShortcutPayload.json":
        return requests.message_shortcut(ids.LOG_FEEDBACK_SHORTCUT, "Where is it?", user_id=REP)
    if name == "ViewSubmissionPayload.json":
        state = eta_state("2026-12-01", note="spoiled")
        return requests.view_submission(ids.ETA_MODAL, state, context, user_id=REP)
    if name == "ViewClosedPayload.json":
        return requests.view_closed(ids.ETA_MODAL, context, user_id=REP)
    assert name == "AppHomeOpenedPayload.json", f"no live request for {name}"
    return requests.event({"type": "app_home_opened", "user": REP, "tab": "home"})


def spoiled(
    payload: dict[str, Any], keys: list[str], form: bool
) -> Iterator[tuple[str, dict[str, Any]]]:
    """`payload` without each key in turn, then with each key's value of a wrong type."""
    for key in keys:
        yield f"without {key}", {k: v for k, v in payload.items() if k != key}
    for key in keys:
        for wrong in WRONG_FORM if form else WRONG_JSON:
            yield f"{key}={wrong!r:.20}", payload | {key: wrong}


@pytest.mark.parametrize("name", [path.name for path in SAMPLE_FILES])
async def test_sample_payloads_with_fields_removed_or_mistyped_never_get_a_5xx(
    bot: RunningBot, slack_requests: SlackRequests, name: str
):
    live = await live_request(bot, slack_requests, name)
    form = live.content_type != "application/json" and "payload=" not in live.body
    replays = [("the sample", sample(name))]
    replays += spoiled(live.payload(), sorted(sample(name)), form)

    failures = []
    for spoil, payload in replays:
        response = await bot.send(slack_requests.replaced(live, payload))
        if response.status_code >= 500:
            failures.append(f"{spoil}: {response.status_code}")
    await bot.settle()

    assert not failures, f"{PAYLOADS / name}, {len(replays)} replays:\n" + "\n".join(failures)
