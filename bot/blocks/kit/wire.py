"""Block Kit models to the JSON Slack receives, without slack_sdk's re-validation on every send.

`JsonObject.to_dict()` runs every validator of every nested object and converts each child
twice (measured: about 250 µs for one order card, more than building it). The builders already
keep within Slack's limits by construction (texts are clipped, blocks counted) and the tests'
fake Slack checks every payload against those limits, so listeners and jobs send `to_wire(blocks)`:
the same dictionaries, made in one pass. The test suite sets CHECKED: then every call also
runs slack_sdk's own `to_dict()` (validators included) and insists on the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject

_EMPTY_ALLOWED = frozenset(
    (entry["type"], entry["property"]) for entry in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST
)


CHECKED = False  # the tests turn this on: compare with (and validate through) to_dict()

# Each class's JSON keys, in to_dict's order. slack_sdk's `attributes` properties are constant
# per class (a union of literal sets up the class tree), so the first instance tells.
_keys: dict[type[JsonObject], tuple[str, ...]] = {}
_generics: dict[type[JsonObject], bool] = {}


def to_wire(blocks: Sequence[Any]) -> list[dict[str, Any]]:
    """Blocks (models or dictionaries) as the list of dictionaries Slack's API takes."""
    wired = [_value(block) for block in blocks]
    if CHECKED:
        _same(wired, [_by_slack_sdk(block) for block in blocks])
    return wired


def view_to_wire(view: JsonObject) -> dict[str, Any]:
    """A view (modal or Home tab) as the dictionary views.open/update/push/publish take."""
    wired: dict[str, Any] = _value(view)
    if CHECKED:
        _same(wired, _by_slack_sdk(view))
    return wired


def _by_slack_sdk(value: Any) -> Any:
    return value.to_dict() if isinstance(value, JsonObject) else value


def _same(wired: Any, expected: Any) -> None:
    if wired != expected:
        raise AssertionError(f"to_wire differs from slack_sdk's to_dict: {wired!r} != {expected!r}")


_PLAIN = (str, int, float, bool, type(None))


def _value(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list or kind is tuple:
        return [_value(item) for item in value]
    if kind is dict:
        return {key: _value(item) for key, item in value.items()}
    if isinstance(value, JsonObject):
        return _object(value) if _generic(kind) else _value(value.to_dict())
    to_dict = getattr(value, "to_dict", None)
    return _value(to_dict()) if callable(to_dict) else value


def _object(obj: JsonObject) -> dict[str, Any]:
    keys = _keys.get(type(obj))
    if keys is None:
        keys = _keys[type(obj)] = tuple(sorted(obj.attributes))
    kind = getattr(obj, "type", None)
    result: dict[str, Any] = {}
    for key in keys:
        value = getattr(obj, key, None)
        if value is None:
            continue
        if (kind, key) not in _EMPTY_ALLOWED and hasattr(value, "__len__") and not len(value):
            continue
        result[key] = _value(value)
    return result


def _generic(kind: type[JsonObject]) -> bool:
    """True when the class serialises with JsonObject's own rules (most Block Kit classes);
    classes with their own `to_dict` (options, confirm dialogs, views) are asked to do it."""
    known = _generics.get(kind)
    if known is None:
        known = _generics[kind] = (
            kind.to_dict is JsonObject.to_dict
            and kind.get_non_null_attributes is JsonObject.get_non_null_attributes
            and kind.get_object_attribute is JsonObject.get_object_attribute
        )
    return known
