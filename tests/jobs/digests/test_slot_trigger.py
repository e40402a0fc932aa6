"""SlotTrigger fires each digest slot once across DST change days, where APScheduler's
CronTrigger fires late or twice."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.jobs.digests.slot_trigger import SlotTrigger
from bot.services.core.schedule import DAY_NAMES, DigestSchedule
from tests.kit.schedules import BERLIN, CHANGE_DAYS, NEW_YORK, at, make_schedule

# What APScheduler 3.11's CronTrigger fires for the same slots: 30 minutes late on spring
# forward (the wall time read with the old offset), twice on fall back.
CRON_FIRES = {
    "new-york-spring-forward": [
        "2026-03-07T02:30-05:00",
        "2026-03-08T03:30-04:00",
        "2026-03-09T02:30-04:00",
    ],
    "new-york-fall-back": [
        "2026-10-31T01:30-04:00",
        "2026-11-01T01:30-04:00",
        "2026-11-01T01:30-05:00",
        "2026-11-02T01:30-05:00",
    ],
    "berlin-spring-forward": [
        "2026-03-28T02:30+01:00",
        "2026-03-29T03:30+02:00",
        "2026-03-30T02:30+02:00",
    ],
    "berlin-fall-back": [
        "2026-10-24T02:30+02:00",
        "2026-10-25T02:30+02:00",
        "2026-10-25T02:30+01:00",
        "2026-10-26T02:30+01:00",
    ],
}


def cron_triggers(schedule: DigestSchedule) -> list[CronTrigger]:
    """What a digest schedule would be as APScheduler CronTriggers, one per time."""
    days = ",".join(DAY_NAMES[day] for day in sorted(schedule.days))
    return [
        CronTrigger(day_of_week=days, hour=t.hour, minute=t.minute, timezone=schedule.tzinfo)
        for t in schedule.times
    ]


def fire_times(trigger: Any, start: datetime, count: int) -> list[datetime]:
    """Fire times as APScheduler 3 asks for them: the first from `start`, each next from the last.

    Returned in UTC: Python never calls an instant in a gap or fold equal to one in another zone.
    """
    fire = trigger.get_next_fire_time(None, start)
    fires = [fire]
    while len(fires) < count:
        fire = trigger.get_next_fire_time(fire, fire)
        fires.append(fire)
    return [fire.astimezone(UTC) for fire in fires]


def test_cron_triggers_build_one_cron_trigger_per_time_with_named_days_and_zone():
    schedule = make_schedule("mon-fri", "08:30, 16:00", BERLIN)

    built = cron_triggers(schedule)

    assert [str(trigger) for trigger in built] == [
        "cron[day_of_week='mon,tue,wed,thu,fri', hour='8', minute='30']",
        "cron[day_of_week='mon,tue,wed,thu,fri', hour='16', minute='0']",
    ]
    assert all(trigger.timezone == ZoneInfo(BERLIN) for trigger in built)


@pytest.mark.parametrize("name", CHANGE_DAYS.keys())
def test_cron_trigger_runs_late_on_spring_forward_and_twice_on_fall_back(name):
    zone, slot, start, _ = CHANGE_DAYS[name]
    expected = CRON_FIRES[name]
    [trigger] = cron_triggers(make_schedule("daily", slot, zone))

    fires = fire_times(trigger, at(start), len(expected))

    assert fires == [at(text) for text in expected]


@pytest.mark.parametrize("change", CHANGE_DAYS.values(), ids=CHANGE_DAYS.keys())
def test_slot_trigger_fires_each_slot_once_across_change_days(change):
    zone, slot, start, expected = change
    trigger = SlotTrigger(make_schedule("daily", slot, zone))

    fires = fire_times(trigger, at(start), 3)

    assert fires == [at(text) for text in expected]


def test_slot_trigger_first_fire_may_be_now_itself():
    trigger = SlotTrigger(make_schedule("daily", "08:30", BERLIN))
    now = at("2026-06-01T08:30+02:00")

    first = trigger.get_next_fire_time(None, now)
    after = trigger.get_next_fire_time(now, now)

    assert (first, after) == (now, at("2026-06-02T08:30+02:00"))


def test_slot_trigger_survives_pickling_for_persistent_job_stores():
    trigger = SlotTrigger(make_schedule("mon-fri", "08:30", NEW_YORK))

    restored = pickle.loads(pickle.dumps(trigger, pickle.HIGHEST_PROTOCOL))

    assert restored.schedule == trigger.schedule
    assert str(restored) == "slots[Mon–Fri at 08:30 (America/New_York)]"
