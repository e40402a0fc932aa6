"""Modal plumbing shared by every order modal: metadata, option lists, submitted-state reading."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

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


# What Slack sends is trusted for its shape nowhere below: a field of the wrong type reads as
# empty, so the form answers "pick …" / "write …" under the field instead of failing.
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
Choice = TypeVar("Choice", bound=StrEnum)


def state_value(
    state: Mapping[str, Any], block_id: str, action_id: str = VALUE
) -> Mapping[str, Any]:
    """The submitted element of one input block ({} when absent or not an element)."""
    values = _mapping(_mapping(state).get("values"))
    return _mapping(_mapping(values.get(block_id)).get(action_id))


def any_element(state: Mapping[str, Any], block_id: str) -> Mapping[str, Any]:
    """The one submitted element of a block, whatever its action_id ({} when none)."""
    elements = _mapping(_mapping(_mapping(state).get("values")).get(block_id))
    return _mapping(next(iter(elements.values()), None))


def string_of(element: Mapping[str, Any], key: str) -> str | None:
    """A non-empty string field of a submitted element (less NUL), or None."""
    value = element.get(key)
    return value.replace("\x00", "") or None if isinstance(value, str) else None


def option_values(element: Mapping[str, Any]) -> list[str]:
    """The values of an element's selected options (checkboxes, multi-selects)."""
    options = element.get("selected_options")
    found = [_option_value(option) for option in options] if isinstance(options, list) else []
    return [value for value in found if value is not None]


def submitted_blocks(state: Mapping[str, Any]) -> list[str]:
    """The block ids the submission has values for."""
    return [key for key in _mapping(_mapping(state).get("values")) if isinstance(key, str)]


def raw_text(state: Mapping[str, Any], block_id: str) -> str | None:
    """A plain-text input's value exactly as typed (less NUL, which no database stores)."""
    return string_of(state_value(state, block_id), "value")


def text_input(state: Mapping[str, Any], block_id: str) -> str | None:
    """A plain-text input's value, stripped; None when empty."""
    return (raw_text(state, block_id) or "").strip() or None


def selected(state: Mapping[str, Any], block_id: str, action_id: str = VALUE) -> str | None:
    """A static select's or radio group's chosen value."""
    return option_value(state_value(state, block_id, action_id))


def option_value(element: Mapping[str, Any]) -> str | None:
    """The value of an element's selected option (a static select, radio buttons)."""
    return _option_value(element.get("selected_option"))


def chosen(state: Mapping[str, Any], block_id: str, kind: type[Choice]) -> Choice | None:
    """The chosen option as one of `kind`'s members; None for none, or one never offered."""
    value = selected(state, block_id)
    return kind(value) if value in {member.value for member in kind} else None


def chosen_values(state: Mapping[str, Any], block_id: str) -> list[str]:
    """The values of the ticked checkboxes (or picked options of a multi-select)."""
    return option_values(state_value(state, block_id))


def picked_user(state: Mapping[str, Any], block_id: str) -> str | None:
    """A user select's user id."""
    user = string_of(state_value(state, block_id), "selected_user")
    return user if user is not None and _USER_ID.fullmatch(user) else None


def picked_date(state: Mapping[str, Any], block_id: str) -> date | None:
    """A datepicker's date."""
    value = state_value(state, block_id).get("selected_date")
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def checked(state: Mapping[str, Any], block_id: str) -> bool:
    """Is the single checkbox of this block ticked?"""
    return bool(chosen_values(state, block_id))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _option_value(option: Any) -> str | None:
    value = _mapping(option).get("value")
    return value if isinstance(value, str) and value else None
