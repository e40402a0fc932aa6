"""Digest schedule math: day sets, validation, run times across DST change days, triggers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.core.errors import InvalidInput
from bot.services.core.schedule import (
    ALL_DAYS,
    DigestSchedule,
    describe,
    format_days,
    format_times,
    next_runs,
    next_slots,
    parse_days,
    parse_times,
    slot_at,
    slot_key,
)
from tests.kit.schedules import BERLIN, CHANGE_DAYS, NEW_YORK, at, make_schedule


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("sat-sun", {5, 6}),
        ("daily", {0, 1, 2, 3, 4, 5, 6}),
        (" Mon - Wed , sun ", {0, 1, 2, 6}),
        ("fri-mon", {4, 5, 6, 0}),
    ],
)
def test_parse_days_reads_ranges_lists_and_daily(text, days):
    parsed = parse_days(text)

    assert parsed == frozenset(days)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("funday", "'funday' is not a day; use mon, tue, wed, thu, fri, sat, sun"),
        ("mon-funday", "'funday' is not a day; use mon, tue, wed, thu, fri, sat, sun"),
        ("", "Give days like mon-fri, mon,wed,fri or daily."),
        ("mon,,fri", "Give days like mon-fri, mon,wed,fri or daily."),
    ],
)
def test_parse_days_rejects_bad_input_with_a_clear_message(text, message):
    with pytest.raises(InvalidInput) as raised:
        parse_days(text)

    assert (raised.value.field, str(raised.value)) == ("days", message)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ({0, 1, 2, 3, 4}, "mon-fri"),
        ({0, 2, 4}, "mon,wed,fri"),
        ({5, 6}, "sat-sun"),
        (ALL_DAYS, "daily"),
        ({0, 4, 5, 6}, "mon,fri-sun"),
    ],
)
def test_format_days_writes_the_canonical_text(days, text):
    formatted = format_days(days)

    assert formatted == text


@given(st.frozensets(st.integers(0, 6), min_size=1))
def test_format_days_round_trips_through_parse_days(days):
    text = format_days(days)

    assert parse_days(text) == days


def test_format_times_writes_sorted_text_that_parse_times_reads_back():
    text = format_times((time(16), time(8, 30)))

    assert (text, parse_times(text)) == ("08:30,16:00", (time(8, 30), time(16)))


def test_schedule_parse_sorts_times_and_keeps_the_zone():
    schedule = DigestSchedule.parse("mon-fri", "16:00, 8:30", " Europe/Berlin ")

    assert schedule == DigestSchedule(frozenset(range(5)), (time(8, 30), time(16)), BERLIN)
    assert schedule.tzinfo == ZoneInfo(BERLIN)


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ("08:30, 16:00, 8:30", "08:30 is listed twice."),
        ("8.30", "'8.30' is not a time; use 24-hour HH:MM, like 08:30"),
        ("24:00", "'24:00' is not a time; use 24-hour HH:MM, like 08:30"),
        ("08:60", "'08:60' is not a time; use 24-hour HH:MM, like 08:30"),
        (" , ", "Give at least one time, like 08:30 or 08:30, 16:00."),
    ],
)
def test_schedule_parse_rejects_bad_times_with_a_clear_message(times, message):
    with pytest.raises(InvalidInput) as raised:
        DigestSchedule.parse("daily", times, BERLIN)

    assert (raised.value.field, str(raised.value)) == ("times", message)


@pytest.mark.parametrize(
    "zone", ["Europe/Berln", "europe/berlin", "", "America", "../etc", "CET+1"]
)
def test_schedule_rejects_a_zone_that_is_not_iana(zone):
    with pytest.raises(InvalidInput) as raised:
        DigestSchedule.parse("daily", "08:30", zone)

    assert raised.value.field == "zone"
    assert str(raised.value).endswith("is not an IANA time zone; use a name like Europe/Berlin")


def test_schedule_rejects_machine_local_zone_name():
    with pytest.raises(InvalidInput, match="'localtime' is not an IANA time zone"):
        DigestSchedule.parse("daily", "08:30", "localtime")


@pytest.mark.parametrize(
    ("days", "times", "field"),
    [
        (frozenset(), (time(8),), "days"),
        (frozenset({7}), (time(8),), "days"),
        (frozenset({0}), (), "times"),
        (frozenset({0}), (time(8, 30, 15),), "times"),
    ],
)
def test_schedule_constructor_checks_days_and_times(days, times, field):
    with pytest.raises(InvalidInput) as raised:
        DigestSchedule(days, times, BERLIN)

    assert raised.value.field == field


def test_next_runs_on_ordinary_days_are_sorted_utc_and_skip_other_weekdays():
    schedule = make_schedule("mon,wed", "16:00, 08:30", BERLIN)

    runs = next_runs(schedule, at("2026-06-01T00:00+02:00"), 5)  # a Monday

    assert runs == [
        at("2026-06-01T08:30+02:00"),
        at("2026-06-01T16:00+02:00"),
        at("2026-06-03T08:30+02:00"),
        at("2026-06-03T16:00+02:00"),
        at("2026-06-08T08:30+02:00"),
    ]
    assert all(run.tzinfo is UTC for run in runs)


def test_next_runs_are_strictly_after_the_start():
    schedule = make_schedule("daily", "08:30", NEW_YORK)

    runs = next_runs(schedule, at("2026-06-01T08:30-04:00"), 1)

    assert runs == [at("2026-06-02T08:30-04:00")]


@pytest.mark.parametrize("change", CHANGE_DAYS.values(), ids=CHANGE_DAYS.keys())
def test_next_runs_on_change_days_run_each_slot_once(change):
    zone, slot, start, expected = change

    runs = next_runs(make_schedule("daily", slot, zone), at(start), 3)

    assert runs == [at(text) for text in expected]


def test_next_runs_on_fall_back_keep_the_repeated_hour_in_order():
    schedule = make_schedule("daily", "00:30, 01:00, 01:30, 02:00", NEW_YORK)

    runs = next_runs(schedule, at("2026-11-01T00:00-04:00"), 4)

    assert runs == [
        at("2026-11-01T00:30-04:00"),
        at("2026-11-01T01:00-04:00"),
        at("2026-11-01T01:30-04:00"),
        at("2026-11-01T02:00-05:00"),
    ]


def test_next_slots_merge_a_gap_slot_with_the_slot_right_after_the_gap():
    schedule = make_schedule("daily", "02:30, 03:00", NEW_YORK)

    slots = next_slots(schedule, at("2026-03-08T00:00-05:00"), 2)

    assert [(slot.at, slot.key) for slot in slots] == [
        (at("2026-03-08T03:00-04:00"), "2026-03-08T02:30"),
        (at("2026-03-09T02:30-04:00"), "2026-03-09T02:30"),
    ]


def test_next_slots_key_is_the_local_wall_clock_slot_not_the_run_instant():
    schedule = make_schedule("sun", "02:30", BERLIN)

    slot = next_slots(schedule, at("2026-03-28T12:00+01:00"), 1)[0]

    assert (slot.at, slot.key) == (at("2026-03-29T03:00+02:00"), "2026-03-29T02:30")
    assert slot.key == slot_key(date(2026, 3, 29), time(2, 30))


def test_slot_at_maps_a_run_back_to_its_slot_and_other_instants_to_none():
    schedule = make_schedule("daily", "01:30", NEW_YORK)

    first = slot_at(schedule, at("2026-11-01T01:30-04:00"))
    first_as_zone_time = slot_at(schedule, datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo(NEW_YORK)))
    repeat = slot_at(schedule, at("2026-11-01T01:30-05:00"))

    assert first is not None
    assert (first.key, first_as_zone_time) == ("2026-11-01T01:30", first)
    assert repeat is None


def test_next_runs_reject_a_naive_start():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_runs(make_schedule(), datetime(2026, 6, 1), 1)


@pytest.mark.parametrize(
    ("days", "times", "text"),
    [
        ("mon-fri", "08:30, 16:00", "Mon–Fri at 08:30 and 16:00 (Europe/Berlin)"),
        ("mon,wed,fri", "09:00", "Mon, Wed, Fri at 09:00 (Europe/Berlin)"),
        ("daily", "07:00, 12:00, 17:00", "Every day at 07:00, 12:00 and 17:00 (Europe/Berlin)"),
        ("sat-sun", "10:00", "Sat–Sun at 10:00 (Europe/Berlin)"),
    ],
)
def test_describe_reads_like_a_sentence(days, times, text):
    description = describe(make_schedule(days, times, BERLIN))

    assert description == text


# Zones with one-hour, half-hour and midnight changes, and one without DST. Starts and times
# lean towards each zone's change nights of 2026 so that gaps and folds come up often.
CHANGE_DATES = {
    NEW_YORK: [date(2026, 3, 8), date(2026, 11, 1)],
    BERLIN: [date(2026, 3, 29), date(2026, 10, 25)],
    "Australia/Lord_Howe": [date(2026, 4, 5), date(2026, 10, 4)],
    "America/Santiago": [date(2026, 4, 5), date(2026, 9, 6)],
    "Asia/Kolkata": [date(2026, 6, 1)],
}
any_minute = st.times().map(lambda t: t.replace(second=0, microsecond=0))
night_minute = st.builds(time, st.sampled_from([23, 0, 1, 2]), st.integers(0, 59))
any_start = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC))


@st.composite
def schedules_and_starts(draw: st.DrawFn) -> tuple[DigestSchedule, datetime]:
    zone = draw(st.sampled_from(sorted(CHANGE_DATES)))
    days = draw(st.one_of(st.just(ALL_DAYS), st.frozensets(st.integers(0, 6), min_size=1)))
    times = draw(st.lists(st.one_of(night_minute, any_minute), min_size=1, max_size=4, unique=True))
    near_change = st.builds(
        lambda day, hours: datetime.combine(day, time(12), UTC) - timedelta(hours=hours),
        st.sampled_from(CHANGE_DATES[zone]),
        st.integers(0, 48),
    )
    return DigestSchedule(days, tuple(times), zone), draw(st.one_of(near_change, any_start))


def is_scheduled_run(schedule: DigestSchedule, run: datetime) -> bool:
    """A scheduled local slot at its first occurrence, or the end of a gap that ate a slot."""
    zone = schedule.tzinfo
    local = run.astimezone(zone)
    just_before = (run - timedelta(seconds=1)).astimezone(zone)
    for day in (local.date() - timedelta(days=1), local.date()):
        for local_time in schedule.times if day.weekday() in schedule.days else ():
            wall = datetime.combine(day, local_time)
            first = wall.replace(tzinfo=zone).astimezone(UTC)
            exists = first.astimezone(zone).replace(tzinfo=None) == wall
            if exists and first == run:
                return True
            gap_ends_here = just_before.utcoffset() != local.utcoffset()
            in_gap = just_before.replace(tzinfo=None) < wall < local.replace(tzinfo=None)
            if not exists and gap_ends_here and in_gap:
                return True
    return False


@settings(max_examples=1000, deadline=None)
@given(schedules_and_starts())
def test_next_runs_are_increasing_unique_and_each_a_scheduled_slot(schedule_and_start):
    schedule, start = schedule_and_start
    runs = next_runs(schedule, start, 20)

    assert len(runs) == 20
    assert runs[0] > start
    assert all(earlier < later for earlier, later in pairwise(runs))
    assert all(is_scheduled_run(schedule, run) for run in runs)
