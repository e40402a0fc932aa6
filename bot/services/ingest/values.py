"""Parsers for the values found in order exports: dates, numbers, statuses, people."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from bot.services.core.errors import BacklogError
from storage.orders.tables import OrderStatus


class ValueProblem(BacklogError, ValueError):
    """A cell that cannot be read; the message says why, for the person fixing the file."""


class DateOrder(StrEnum):
    """How to read an ambiguous numeric date such as 06/02/2006."""

    MDY = "mdy"
    DMY = "dmy"


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_TIME = (
    r"(?:[ T](?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?:\.\d{1,6})?)?"
    r"\s*(?P<ampm>[AaPp][Mm])?)?"
)
_Y2_Y4 = r"(?P<y>\d{2}|\d{4})"
_ZONE = r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
_PATTERNS = {
    "ymd": re.compile(rf"(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}{_ZONE}"),
    "d-mon-y": re.compile(rf"(?P<d>\d{{1,2}})[- ](?P<mon>[A-Za-z]{{3,9}})[- ]{_Y2_Y4}{_TIME}"),
    "mon-d-y": re.compile(rf"(?P<mon>[A-Za-z]{{3,9}})\.? (?P<d>\d{{1,2}}),? (?P<y>\d{{4}}){_TIME}"),
    "numeric": re.compile(rf"(?P<a>\d{{1,2}})[/.-](?P<b>\d{{1,2}})[/.-]{_Y2_Y4}{_TIME}"),
}
_Parsed = tuple[date, time | None, tzinfo | None]
EXAMPLES = "e.g. 2006-06-02, 2-Jun-06 or 06/02/2006"
# Two-digit years: 00-68 are 2000-2068, 69-99 are 1969-1999 (the POSIX strptime rule).
_PIVOT = 69


def parse_date(text: str, order: DateOrder) -> date:
    """A calendar date from any supported format (a time part, if any, is ignored)."""
    return _parse(text.strip(), order)[0]


def parse_datetime(text: str, order: DateOrder, zone: tzinfo) -> datetime:
    """An aware UTC datetime; a value without offset is read in `zone`."""
    day, clock, offset = _parse(text.strip(), order)
    local = datetime.combine(day, clock or time(0), tzinfo=offset or zone)
    try:
        return local.astimezone(UTC)
    except OverflowError:  # 9999-12-31 23:00-05:00 is past the last representable instant
        raise ValueProblem(f"{text.strip()!r} is out of range in UTC") from None


@lru_cache(maxsize=65536)  # exports repeat the same few thousand dates over and over
def _parse(text: str, order: DateOrder) -> _Parsed:
    for kind, pattern in _PATTERNS.items():
        match = pattern.fullmatch(text)
        if match:
            return _build(kind, match, order)
    raise ValueProblem(f"unreadable date {text!r} ({EXAMPLES})")


def _build(
    kind: str, m: re.Match[str], order: DateOrder
) -> tuple[date, time | None, tzinfo | None]:
    year = _year(m["y"])
    if kind == "numeric":
        first, second = int(m["a"]), int(m["b"])
        month, day = (first, second) if order is DateOrder.MDY else (second, first)
        if month > 12:
            other = "dmy" if order is DateOrder.MDY else "mdy"
            raise ValueProblem(
                f"{m.string!r} has month {month} when read as {order.value}; "
                f"if the file is {other}, pass --date-order {other}"
            )
    elif kind == "ymd":
        month, day = int(m["m"]), int(m["d"])
    else:
        month, day = _month(m["mon"], m.string), int(m["d"])
    try:
        result = date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(f"{m.string!r} is not a calendar date ({exc})") from exc
    return result, _clock(m), _offset(m.groupdict().get("tz"))


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    short = int(text)
    return 2000 + short if short < _PIVOT else 1900 + short


def _month(name: str, whole: str) -> int:
    try:
        return _MONTHS[name.lower()]
    except KeyError:
        raise ValueProblem(f"unknown month {name!r} in {whole!r}") from None


def _clock(m: re.Match[str]) -> time | None:
    if m["hh"] is None:
        return None
    hour, minute, second = int(m["hh"]), int(m["mi"]), int(m["ss"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueProblem(f"{m.string!r} has hour {hour} with AM/PM")
        hour = hour % 12 + (12 if m["ampm"].lower() == "pm" else 0)
    try:
        return time(hour, minute, second)
    except ValueError as exc:
        raise ValueProblem(f"{m.string!r} has an impossible time ({exc})") from exc


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    try:
        return datetime.strptime(text.replace(":", ""), "%z").tzinfo
    except ValueError:
        raise ValueProblem(f"impossible UTC offset {text!r} (e.g. +02:00)") from None


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_DOTS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


def parse_decimal(
    text: str,
    *,
    minimum: Decimal | None = Decimal(0),
    below: Decimal | None = None,
    decimal_comma: bool = False,
) -> Decimal:
    """A number such as 1200, 1,200.50 or $1,200.50 (thousands commas and a currency sign);
    with `decimal_comma`, 1.200,50 or 12,5 (the comma is the decimal separator).

    `below` is an exclusive bound on the size (the database column's range).
    """
    cleaned = text.strip().lstrip("$€£¥").strip()
    if decimal_comma:
        if _THOUSANDS_DOTS.match(cleaned):
            cleaned = cleaned.replace(".", "")
        cleaned = cleaned.replace(",", ".", 1) if "." not in cleaned else cleaned
    elif _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueProblem(f"not a number: {text!r}") from None
    if not number.is_finite():
        raise ValueProblem(f"not a finite number: {text!r}")
    if minimum is not None and number < minimum:
        raise ValueProblem(f"must be at least {minimum}, got {text!r}")
    if below is not None and abs(number) >= below:
        raise ValueProblem(f"must be less than {below:,}, got {text!r}")
    return number


STATUS_SYNONYMS: dict[str, OrderStatus] = {
    **{s.value: s for s in OrderStatus},
    **dict.fromkeys(
        ("open", "new", "pending", "received not filled", "unfilled"), OrderStatus.RECEIVED
    ),
    **dict.fromkeys(
        ("acknowledged", "accepted", "in progress", "processing"), OrderStatus.CONFIRMED
    ),
    **dict.fromkeys(
        ("backorder", "back ordered", "delayed", "on hold", "late"), OrderStatus.BACKORDERED
    ),
    **dict.fromkeys(
        ("partial", "partially shipped", "part shipped", "partially delivered"),
        OrderStatus.PARTIALLY_FILLED,
    ),
    **dict.fromkeys(
        ("shipped", "delivered", "complete", "completed", "closed", "fulfilled", "done"),
        OrderStatus.FILLED,
    ),
    **dict.fromkeys(("canceled", "void", "voided", "rejected"), OrderStatus.CANCELLED),
}


def status_key(text: str) -> str:
    """Normalise a status label: case, spaces, dashes and underscores do not matter."""
    return re.sub(r"[\s_\-/]+", " ", text.strip().lower())


def parse_status(text: str, extra: dict[str, OrderStatus]) -> OrderStatus:
    """A status from the built-in synonyms or the import's own `--status VALUE=STATUS` map."""
    key = status_key(text)
    found = extra.get(key) or STATUS_SYNONYMS.get(key) or STATUS_SYNONYMS.get(key.replace(" ", "_"))
    if found is None:
        known = ", ".join(s.value for s in OrderStatus)
        raise ValueProblem(f"unknown status {text!r}; map it with --status {text}=STATUS ({known})")
    return found


_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{6,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_email(text: str) -> str:
    """A plausible email address, lower-cased."""
    value = text.strip()
    if not _EMAIL.match(value):
        raise ValueProblem(f"not an email address: {text!r}")
    return value.lower()


def parse_owner(text: str) -> str:
    """A Slack user id (U…/W…, also <@U…>) or an email address."""
    value = text.strip().removeprefix("<@").removesuffix(">")
    if _SLACK_USER.match(value):
        return value
    if _EMAIL.match(value):
        return value.lower()
    raise ValueProblem(f"owner must be a Slack user id (U0123ABCD) or an email, got {text!r}")


def parse_currency(text: str) -> str:
    """An ISO 4217 code such as USD."""
    value = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueProblem(f"currency must be a 3-letter ISO code such as USD, got {text!r}")
    return value
