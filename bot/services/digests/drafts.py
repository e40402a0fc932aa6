"""A subscription as typed into the modal, and its validation: every problem, by field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from functools import partial
from typing import TypeVar

from bot.services.core.errors import InvalidInput
from bot.services.core.schedule import (
    ALL_DAYS,
    DAY_NAMES,
    DigestSchedule,
    parse_days,
    parse_times,
)
from bot.services.digests.spec import DigestFilters, DigestSpec, Grouping, check_number
from bot.services.orders.lagging import LagKind
from storage.digests.tables import DigestSubscription

MAX_GRACE_MINUTES = 24 * 60
T = TypeVar("T")


class InvalidSubscription(InvalidInput):
    """The draft has problems; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(None, " ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class SubscriptionInput:
    """A valid subscription, ready to store."""

    channel_id: str
    schedule: DigestSchedule
    spec: DigestSpec
    skip_when_empty: bool
    grace_minutes: int


@dataclass(frozen=True)
class SubscriptionDraft:
    """The modal's values as typed: text and picks, nothing checked yet."""

    channel_id: str | None = None
    days: tuple[str, ...] = ()
    times: str = ""
    zone: str = ""
    team: str | None = None
    owner: str | None = None
    supplier: str | None = None
    sku: str | None = None
    customer: str | None = None
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    min_age: str | None = None
    max_rows: str | None = None
    grouping: str | None = None
    stale_after: str | None = None
    aging_after: str | None = None
    grace_minutes: str | None = None
    skip_when_empty: bool = False
    only_changes: bool = False

    @classmethod
    def new(cls, channel_id: str | None, zone: str) -> SubscriptionDraft:
        """What the add modal starts with: weekdays at 09:00 in `zone`, every kind, 50 rows."""
        return cls(
            channel_id=channel_id, days=DAY_NAMES[:5], times="09:00", zone=zone,
            kinds=tuple(kind.value for kind in LagKind), min_age="0", max_rows="50",
            grouping=Grouping.OWNER.value, stale_after="5", aging_after="20", grace_minutes="60",
        )  # fmt: skip

    @classmethod
    def of(cls, sub: DigestSubscription) -> SubscriptionDraft:
        """A stored subscription as the edit modal shows it."""
        spec = DigestSpec.of(sub)
        filters = spec.filters
        return cls(
            channel_id=sub.channel_id,
            days=tuple(DAY_NAMES[d] for d in sorted(parse_days(sub.days))),
            times=sub.times.replace(",", ", "), zone=sub.zone, team=filters.team,
            owner=filters.owner, supplier=filters.supplier, sku=filters.sku,
            customer=filters.customer, statuses=tuple(sorted(filters.statuses)),
            kinds=tuple(k.value for k in LagKind if k in spec.kinds),
            min_age=str(spec.min_age_days), max_rows=str(spec.max_rows),
            grouping=spec.grouping.value, stale_after=str(spec.stale_after),
            aging_after=str(spec.aging_after), grace_minutes=str(sub.grace_minutes),
            skip_when_empty=sub.skip_when_empty, only_changes=spec.only_changes,
        )  # fmt: skip

    def validate(self) -> SubscriptionInput:
        """The valid subscription, or InvalidSubscription naming every field at fault."""
        errors: dict[str, str] = {}
        channel = _check(errors, "channel", self._channel)
        days = _check(errors, "days", self._days)
        times = _check(errors, "times", partial(parse_times, self.times))
        zone = _check(errors, "zone", partial(_zone, self.zone))
        schedule = None
        if days and times and zone:
            schedule = _check(errors, "times", partial(DigestSchedule, days, times, zone))
        spec = _check(errors, "spec", self._spec)
        grace = _check(errors, "grace_minutes", self._grace)
        if errors or channel is None or schedule is None or spec is None or grace is None:
            raise InvalidSubscription(errors)
        return SubscriptionInput(channel, schedule, spec, self.skip_when_empty, grace)

    def _channel(self) -> str:
        if not self.channel_id:
            raise InvalidInput("channel", "Pick the channel the digest goes to.")
        return self.channel_id

    def _days(self) -> frozenset[int]:
        picked = frozenset(DAY_NAMES.index(d) for d in self.days if d in DAY_NAMES)
        if not picked:
            raise InvalidInput("days", "Pick at least one day of the week.")
        return picked

    def _spec(self) -> DigestSpec:
        # Every field is read before any fails, so each bad field gets its own message.
        problems: dict[str, str] = {}
        numbers = {
            name: _check(problems, name, partial(_number, name, text, default))
            for name, text, default in (
                ("min_age", self.min_age, 0),
                ("max_rows", self.max_rows, 200),
                ("stale_after", self.stale_after, 5),
                ("aging_after", self.aging_after, 20),
            )
        }
        kinds = _check(problems, "kinds", self._kinds)
        grouping = _check(problems, "grouping", self._grouping)
        filters = _check(problems, "statuses", self._filters)
        if problems or kinds is None or grouping is None or filters is None:
            raise InvalidSubscription(problems)
        return DigestSpec(
            filters=filters, kinds=kinds, grouping=grouping, only_changes=self.only_changes,
            min_age_days=numbers["min_age"] or 0, max_rows=numbers["max_rows"] or 0,
            stale_after=numbers["stale_after"] or 0, aging_after=numbers["aging_after"] or 0,
        )  # fmt: skip

    def _kinds(self) -> frozenset[LagKind]:
        known = {kind.value: kind for kind in LagKind}
        picked = frozenset(known[k] for k in self.kinds if k in known)
        if not picked:
            raise InvalidInput("kinds", "Pick at least one reason an order counts as lagging.")
        return picked

    def _grouping(self) -> Grouping:
        try:
            return Grouping(self.grouping or Grouping.OWNER.value)
        except ValueError:
            raise InvalidInput("grouping", "Group by owner, supplier, customer or none.") from None

    def _filters(self) -> DigestFilters:
        return DigestFilters(
            team=self.team, owner=self.owner, supplier=self.supplier, sku=self.sku,
            customer=self.customer, statuses=frozenset(self.statuses),
        )  # fmt: skip

    def _grace(self) -> int:
        minutes = _whole("grace_minutes", self.grace_minutes, 60)
        if not 1 <= minutes <= MAX_GRACE_MINUTES:
            raise InvalidInput(
                "grace_minutes", f"Late delivery must be from 1 to {MAX_GRACE_MINUTES} minutes."
            )
        return minutes


def _zone(name: str) -> str:
    """The zone name if it is an IANA zone (the schedule's own check, on a sample schedule)."""
    return DigestSchedule(ALL_DAYS, (time(9, 0),), name.strip()).zone


def _number(name: str, text: str | None, default: int) -> int:
    return check_number(name, _whole(name, text, default))


def _whole(name: str, text: str | None, default: int) -> int:
    if text is None or not text.strip():
        return default
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput(name, f"'{text.strip()}' is not a whole number.") from None


def _check(errors: dict[str, str], name: str, read: Callable[[], T]) -> T | None:
    """read(), or None with its problems noted under their fields."""
    try:
        value = read()
    except InvalidSubscription as exc:
        errors.update(exc.errors)
        return None
    except InvalidInput as exc:
        errors[exc.field or name] = exc.message
        return None
    return value
