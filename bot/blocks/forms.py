"""Modal plumbing shared by every order modal: metadata, option lists, submitted-state reading."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Option

# Every input's action_id; blocks are told apart by block_id.
VALUE = "value"


@dataclass(frozen=True)
class ModalContext:
    """What a modal remembers in private_metadata (3,000 characters at most)."""

    external_id: str
    version: int
    response_url: str | None = None  # the card to update in place after saving
    channel_id: str | None = None
    card_view: str | None = None  # the card's modal (opened from Home) to redraw after saving
    home: str | None = None  # the Home tab's state, to publish it afresh after saving

    def encode(self) -> str:
        data: dict[str, str | int | None] = {
            "o": self.external_id,
            "v": self.version,
            "r": self.response_url,
            "c": self.channel_id,
        }
        if self.card_view:
            data["cv"] = self.card_view
        if self.home is not None:
            data["h"] = self.home
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> ModalContext:
        data = json.loads(text)
        return cls(
            str(data["o"]), int(data["v"]), data.get("r"), data.get("c"), data.get("cv"),
            data.get("h"),
        )  # fmt: skip


class FormErrors(ValueError):
    """Field errors by block_id, as Slack shows them under the inputs."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


def options(choices: Iterable[tuple[str, str]]) -> list[Option]:
    """Select options from (value, label) pairs."""
    return [Option(value=value, text=label) for value, label in choices]


def state_value(state: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    """The submitted element of one input block ({} when the block is absent)."""
    element: dict[str, Any] = state.get("values", {}).get(block_id, {}).get(VALUE, {})
    return element


def text_input(state: Mapping[str, Any], block_id: str) -> str | None:
    """A plain-text input's value, stripped; None when empty."""
    value = state_value(state, block_id).get("value")
    return value.strip() or None if isinstance(value, str) else None


def selected(state: Mapping[str, Any], block_id: str) -> str | None:
    """A static select's or radio group's chosen value."""
    option = state_value(state, block_id).get("selected_option")
    return str(option["value"]) if option else None


def picked_date(state: Mapping[str, Any], block_id: str) -> date | None:
    """A datepicker's date."""
    value = state_value(state, block_id).get("selected_date")
    return date.fromisoformat(value) if value else None


def checked(state: Mapping[str, Any], block_id: str) -> bool:
    """Is the single checkbox of this block ticked?"""
    return bool(state_value(state, block_id).get("selected_options"))
