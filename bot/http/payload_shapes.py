"""The fields Bolt and the listeners read from each kind of Slack payload, and their types.

Slack always sends them; a signed request without them (or with, say, `user` a string) is not
one Slack sent, and is refused with the field's name instead of failing deep inside a listener.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_MISSING = object()


@dataclass(frozen=True)
class Field:
    """A dotted path into the payload ("actions.0.action_id") and what must be there."""

    path: str
    check: Callable[[Any], bool]
    what: str
    optional: bool = False  # may be absent (or null); when present it must pass


def _text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _string(value: Any) -> bool:
    return isinstance(value, str)


def _object(value: Any) -> bool:
    return isinstance(value, Mapping)


def _objects(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_object(item) for item in value)


TEXT, STRING, OBJECT = (_text, "a non-empty string"), (_string, "a string"), (_object, "an object")
OBJECTS = (_objects, "a non-empty list of objects")


def _field(path: str, kind: tuple[Callable[[Any], bool], str], optional: bool = False) -> Field:
    return Field(path, kind[0], kind[1], optional)


_USER = _field("user.id", TEXT)
_WHERE = (_field("channel", OBJECT, True), _field("message", OBJECT, True))
_SHAPES: dict[str, tuple[Field, ...]] = {
    "block_actions": (
        _USER,
        _field("trigger_id", TEXT),
        _field("actions", OBJECTS),
        _field("actions.0.action_id", TEXT),
        _field("container", OBJECT, True),
        _field("view", OBJECT, True),
        *_WHERE,
    ),
    "block_suggestion": (_USER, _field("action_id", TEXT), _field("value", STRING, True)),
    "view_submission": (
        _USER,
        _field("view.callback_id", TEXT),
        _field("view.private_metadata", STRING),
        _field("view.state", OBJECT),
    ),
    "view_closed": (_USER, _field("view.callback_id", TEXT)),
    "message_action": (
        _USER,
        _field("callback_id", TEXT),
        _field("trigger_id", TEXT),
        *_WHERE,
    ),
    "shortcut": (_USER, _field("callback_id", TEXT), _field("trigger_id", TEXT)),
    "event_callback": (_field("event.type", TEXT),),
}


def payload_problem(payload: Mapping[str, Any]) -> str | None:
    """What is missing or of the wrong type in `payload`, or None."""
    kind = payload.get("type")
    for field in _SHAPES.get(kind, ()) if isinstance(kind, str) else ():
        value = _at(payload, field.path)
        if field.optional and (value is _MISSING or value is None):
            continue
        if value is _MISSING or not field.check(value):
            return f"`{field.path}` must be {field.what}"
    return None


def _at(payload: Mapping[str, Any], path: str) -> Any:
    value: Any = payload
    for step in path.split("."):
        if isinstance(value, Mapping) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return _MISSING
    return value
