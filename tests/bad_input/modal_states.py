"""Hypothesis strategies for a modal's submitted state, derived from the modal's own blocks.

Each input block gets what Slack would send for its element (a date, an offered option, text,
a user…) or a spoiled version of it: the value mistyped, the element replaced by junk, the
block missing. The whole `values` map may be junk too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

JUNK: st.SearchStrategy[Any] = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.lists(st.integers(), max_size=3)
    | st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=2)
)
USERS = st.sampled_from(["U0REP0001", "U0OTHER01", "W0GRID001"])
NUMBERS = st.integers(-5, 3000).map(str) | st.sampled_from(["1.5", "1e3", "0"])
CHANNELS = st.sampled_from(["C111", "C0EMEA", "G0PRIVATE"])
WORDS = st.from_regex(r"[A-Za-z][A-Za-z0-9 .,'!?-]{0,40}", fullmatch=True)
ODD_TEXT = st.text(st.characters(codec="utf-8"), max_size=60) | st.text(
    min_size=2990, max_size=3010
)
TEXT = WORDS | ODD_TEXT
# Mostly the weeks around the tests' clock (2026-11-24), where ETAs and snoozes make sense.
NEAR = st.dates(min_value=date(2026, 11, 1), max_value=date(2027, 3, 31))
DATES = (NEAR | NEAR | st.dates()).map(date.isoformat) | st.sampled_from(["2026-02-30", "soon"])
TIMES = st.times().map(lambda at: at.strftime("%H:%M")) | st.sampled_from(["25:00", "9", ""])
# What the feedback modal's order picker offers: an order, or a customer without one.
TARGETS = st.sampled_from(["o:SO-1001", "o:SO-9999", "c:Acme Hospital", "c:", "x", "o:"])

SPOILS = st.sampled_from(["missing", "mistyped", "junk", "other action"]).flatmap(
    lambda kind: st.tuples(st.just(kind), JUNK)
)


def submitted_state(view: dict[str, Any]) -> st.SearchStrategy[Any]:
    """The `values` of a submission of `view`: as Slack sends them, with a few blocks spoiled
    (missing, the value mistyped, junk instead of the element, another action_id), or junk."""
    inputs = {
        block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"
    }
    plausible = st.fixed_dictionaries(
        {block_id: _plausible_block(element) for block_id, element in inputs.items()}
    )
    spoils = st.lists(st.tuples(st.sampled_from(sorted(inputs)), SPOILS), max_size=2)
    return _mostly(st.tuples(plausible, spoils).map(_spoiled), JUNK)


def _spoiled(drawn: tuple[dict[str, Any], list[tuple[str, tuple[str, Any]]]]) -> dict[str, Any]:
    values, spoils = dict(drawn[0]), drawn[1]
    for block_id, (kind, junk) in spoils:
        if kind == "missing":
            values.pop(block_id, None)
        elif kind == "junk":
            values[block_id] = junk
        elif isinstance(values.get(block_id), dict) and len(values[block_id]) == 1:
            [(action_id, element)] = values[block_id].items()
            if not isinstance(element, dict):
                continue
            if kind == "other action":
                values[block_id] = {"another_action": element}
            else:
                field = next(key for key in element if key != "type")
                values[block_id] = {action_id: {**element, field: junk}}
    return values


def _plausible_block(element: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """{action_id: element} as Slack sends it for this element type."""
    kind, action_id = element["type"], element["action_id"]
    field, values = _plausible(element)
    return values.map(lambda value: {action_id: {"type": kind, field: value}})


def _plausible(element: dict[str, Any]) -> tuple[str, st.SearchStrategy[Any]]:
    """The field Slack fills in for this element type, and values it could hold (mostly
    sensible ones, so that some submissions get through and save)."""
    kind = element["type"]
    if kind == "datepicker":
        return "selected_date", _mostly(DATES, st.none())
    if kind == "timepicker":
        return "selected_time", _mostly(TIMES, st.none())
    if kind == "users_select":
        return "selected_user", _mostly(USERS, st.none())
    if kind == "conversations_select":
        return "selected_conversation", _mostly(CHANNELS, st.none())
    if kind == "plain_text_input":
        return "value", _mostly(TEXT, st.none())
    if kind == "number_input":  # Slack sends the number as text
        return "value", _mostly(NUMBERS, st.none() | TEXT)
    if kind == "external_select":
        option = TARGETS.map(lambda value: {"text": _label(value), "value": value})
        return "selected_option", _mostly(option, st.none())
    if "options" not in element:
        raise AssertionError(f"no plausible value for a {kind}: teach modal_states.py")
    offered = st.sampled_from([_option(option) for option in element["options"]])
    if kind in ("checkboxes", "multi_static_select"):
        return "selected_options", st.lists(_mostly(offered, _option_junk()), max_size=3)
    return "selected_option", _mostly(offered, st.none() | _option_junk())


def _mostly(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`usual` three times in four (a plain one_of would lean to the simpler `rare`)."""
    return st.integers(0, 3).flatmap(lambda n: rare if n == 3 else usual)


def _option(option: dict[str, Any]) -> dict[str, Any]:
    return {"text": option["text"], "value": option["value"]}


def _option_junk() -> st.SearchStrategy[Any]:
    unknown = st.text(max_size=8).map(lambda value: {"text": _label(value), "value": value})
    return unknown | JUNK


def _label(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text or "?", "emoji": True}
