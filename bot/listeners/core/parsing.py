"""Reading `/backlog` arguments as Slack sends them (escaped text, <@U…|name> mentions)."""

from __future__ import annotations

import re
import shlex

from bot.services.orders.reader import OrderFilter

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
FILTER_KEYS = ("team", "owner", "supplier", "sku", "customer")


class UsageError(ValueError):
    """The arguments do not fit the subcommand; the message says what was wrong."""


def readable(text: str) -> str:
    """Command text without NUL characters: no database stores NUL, PostgreSQL cannot even
    compare it, and no Slack client sends one on purpose."""
    return text.replace("\x00", "")


def unescape(text: str) -> str:
    """Undo Slack's escaping of &, < and > in command text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def user_ref(text: str) -> str:
    """A user id from a mention (<@U123|ann>, <@U123>), or the text itself (U123, an email)."""
    match = _MENTION.fullmatch(text.strip())
    return match.group(1) if match else unescape(text.strip()).lstrip("@")


def one_order_id(args: str) -> str:
    """Exactly one order id."""
    parts = unescape(args).split()
    if len(parts) != 1:
        raise UsageError("Give exactly one order id.")
    return parts[0]


def parse_filters(args: str) -> OrderFilter:
    """`team:emea owner:@ann supplier:"Globex Inc"` into a filter; unknown keys are errors."""
    try:
        tokens = shlex.split(args)
    except ValueError as exc:
        raise UsageError(f"Unbalanced quotes ({exc}).") from None
    values: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition(":")
        if not sep or key.lower() not in FILTER_KEYS or not value.strip():
            raise UsageError(
                f"`{token}` is not a filter; use {', '.join(k + ':X' for k in FILTER_KEYS)}"
            )
        values[key.lower()] = user_ref(value) if key.lower() == "owner" else unescape(value)
    return OrderFilter(
        team=values.get("team"),
        owner=values.get("owner"),
        supplier=values.get("supplier"),
        sku=values.get("sku"),
        customer=values.get("customer"),
    )


def search_text(args: str) -> str:
    """The text after `customer`, `sku` or `supplier`."""
    text = unescape(args).strip().strip('"')
    if not text:
        raise UsageError("Give the text to search for.")
    return text
