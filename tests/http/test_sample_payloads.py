"""The builders' payloads have the shape of Slack's own samples; slack_sdk models read them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.sandbox.signing import SlackRequests
from tests.kit.payloads import SAMPLE_FILES, sample

# Keys of Workflow custom functions (Bolt switches to `bot_access_token` when present) and
# of link unfurls: Slack sends them only there, so the builders leave them out on purpose.
FUNCTION_KEYS = {"function_data", "bot_access_token", "interactivity"}
NOT_BUILT = {
    "BlockActionPayload.json": FUNCTION_KEYS | {"app_unfurl"},
    "ViewSubmissionPayload.json": FUNCTION_KEYS,
    "ViewClosedPayload.json": FUNCTION_KEYS,
}
STATE = {"eta": {"date": {"type": "datepicker", "selected_date": "2026-12-01"}}}


def built_payloads(requests: SlackRequests) -> dict[str, list[dict[str, Any]]]:
    """Each sample file with the builder payloads that should cover its keys."""
    modal = requests.view_submission("eta_modal", STATE).payload()["view"]
    return {
        "SlashCommandPayload.json": [requests.slash_command("list").payload()],
        "BlockActionPayload.json": [
            requests.block_actions("order_ack", value="SO-1001").payload(),
            requests.block_actions("pick", view=modal).payload(),
            requests.block_actions("home_next", value="{}", view=requests.home_view()).payload(),
        ],
        "MessageShortcutPayload.json": [requests.message_shortcut("track", "late").payload()],
        "ViewSubmissionPayload.json": [requests.view_submission("eta_modal", STATE).payload()],
        "ViewClosedPayload.json": [requests.view_closed("eta_modal").payload()],
        "AppHomeOpenedPayload.json": [requests.app_home_opened(private_metadata="{}").payload()],
    }


def missing_keys(name: str, payloads: list[dict[str, Any]]) -> set[str]:
    built = set().union(*(payload.keys() for payload in payloads))
    return set(sample(name)) - built - NOT_BUILT.get(name, set())


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_sample_payload_parses_as_json(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    payload = json.loads(text)

    assert isinstance(payload, dict) and payload


def test_sample_payloads_are_all_covered_by_a_builder() -> None:
    names = {path.name for path in SAMPLE_FILES}

    covered = set(built_payloads(SlackRequests("secret")))

    assert names == covered


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES])
def test_builder_payload_has_every_top_level_key_of_sample(name: str) -> None:
    payloads = built_payloads(SlackRequests("secret"))[name]

    missing = missing_keys(name, payloads)

    assert not missing, f"{name}: the builder leaves out {sorted(missing)}"


@pytest.mark.parametrize("name", ["ViewSubmissionPayload.json", "ViewClosedPayload.json"])
def test_builder_view_has_every_key_of_sample_view(name: str) -> None:
    payload = built_payloads(SlackRequests("secret"))[name][0]

    missing = set(sample(name)["view"]) - set(payload["view"])

    assert not missing, f"{name}: the builder's view leaves out {sorted(missing)}"


def test_app_home_opened_builder_has_every_key_of_sample_event_and_view() -> None:
    event = sample("AppHomeOpenedPayload.json")["event"]

    built = SlackRequests("secret").app_home_opened(private_metadata="{}").payload()["event"]

    assert set(event) - set(built) == set()
    assert set(event["view"]) - set(built["view"]) == set()
    assert built["view"]["type"] == "home"


def found(node: Any, key: str) -> Iterator[Any]:
    """Every value stored under `key`, at any depth."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from found(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from found(value, key)


def test_sample_blocks_parse_with_slack_sdk_models() -> None:
    blocks = [b for path in SAMPLE_FILES for bs in found(sample(path.name), "blocks") for b in bs]
    parsed: list[Block | None] = []
    failures: list[tuple[str, str]] = []

    for raw in blocks:
        try:
            parsed.append(Block.parse(raw))
        except TypeError as exc:
            failures.append((raw["type"], str(exc)))

    # Two message samples, five blocks each. Their overflow menu lacks `options` (Slack
    # requires 1 to 5), which slack_sdk refuses: that actions block is the only casualty.
    assert len(blocks) == 10
    assert len([block for block in parsed if block is not None]) == 8
    assert [kind for kind, _ in failures] == ["actions", "actions"]
    assert all("OverflowMenuElement" in error and "'options'" in error for _, error in failures)


def test_sample_views_parse_with_slack_sdk_models() -> None:
    views = [v for path in SAMPLE_FILES for v in found(sample(path.name), "view") if v]

    parsed = [View(**without_placeholders(view)) for view in views]

    assert len(parsed) == 4
    assert all(view.title is not None for view in parsed)


def without_placeholders(view: dict[str, Any]) -> dict[str, Any]:
    """Fill the samples' empty placeholders that slack_sdk refuses: `type: ""`, `state: {}`."""
    fixed = {**view, "state": view.get("state") or {"values": {}}}
    for key in ("title", "submit", "close"):
        if isinstance(view.get(key), dict):
            fixed[key] = {**view[key], "type": "plain_text"}
    return fixed
