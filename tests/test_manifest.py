"""manifest.yml declares exactly what the code registers (and what later issues will)."""

from __future__ import annotations

from typing import Any

import yaml
from slack_bolt.async_app import AsyncApp

from bot.blocks.kit import ids
from bot.bootstrap.container import Services
from bot.bootstrap.listeners import register_listeners
from tests.conftest import REPO


def _manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "manifest.yml").read_text())
    return loaded


def _registered(services: Services) -> dict[str, set[str]]:
    app = AsyncApp(token="xoxb-test", signing_secret="secret")
    return register_listeners(app, services).registry.registered


async def test_manifest_declares_exactly_the_registered_slash_commands(services: Services):
    declared = {c["command"] for c in _manifest()["features"]["slash_commands"]}

    assert declared == _registered(services)["command"] == {"/backlog"}


async def test_manifest_shortcuts_are_the_registered_ones(services: Services):
    declared = {s["callback_id"] for s in _manifest()["features"].get("shortcuts", [])}

    registered = _registered(services)["shortcut"]

    assert declared == registered


async def test_manifest_bot_events_are_the_registered_ones(services: Services):
    declared = set(_manifest()["settings"]["event_subscriptions"]["bot_events"])

    registered = _registered(services)["event"]

    assert declared == registered


def test_manifest_enables_interactivity_and_the_home_tab():
    manifest = _manifest()

    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    urls = {
        manifest["settings"]["interactivity"]["request_url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    }
    assert {url.rsplit("/", 2)[-2:] == ["slack", "events"] for url in urls} == {True}


def test_manifest_requests_the_bot_scopes_the_features_need():
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])

    assert {"commands", "chat:write", "im:write", "users:read", "users:read.email"} <= scopes


async def test_manifest_loads_options_of_the_external_selects_the_bot_answers(
    services: Services,
):
    interactivity = _manifest()["settings"]["interactivity"]

    registered = _registered(services)["options"]

    assert registered == {ids.FEEDBACK_TARGET_ACTION}
    # HTTP mode: Slack asks for options at this URL, the same endpoint as everything else.
    assert interactivity["message_menu_options_url"] == interactivity["request_url"]
