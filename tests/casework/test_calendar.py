"""Working-time deadline arithmetic (pure, on a calendar built from chinese_calendar) and its DB side."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import calendar as workcalendar
from casework.calendar import DEFAULT_PERIODS, SHANGHAI, LimitKind, WorkCalendar, load_calendar, sync_from_package
from casework.models import CalendarDay, CalendarYear, DayKind, WorkingPeriod
from grids.choices import Role
from tests import factories as f

UTC = dt.UTC
H = LimitKind.WORKING_HOURS
D = LimitKind.WORKING_DAYS


def _package_calendar() -> WorkCalendar:
    """The same data the migration seeds, without a database."""
    return WorkCalendar(
        holidays=frozenset(d for d in chinese_calendar.holidays if d.weekday() < 5),
        workdays=frozenset(d for d in chinese_calendar.workdays if d.weekday() >= 5),
        covered_years=frozenset(range(2004, 2027)),
    )


CAL = _package_calendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> dt.datetime:
    """A Shanghai wall-clock time."""
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


# 2026 reference days (checked against chinese_calendar 1.11.0): 2026-03-02 is a plain Monday.
MON, TUE, WED, THU, FRI = (dt.date(2026, 3, day) for day in range(2, 7))


def on(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return at(day.year, day.month, day.day, hh, mm)


# --- the calendar data we rely on ------------------------------------------------------------


def test_2026_reference_dates_are_what_the_tests_assume():
    assert [MON.weekday(), FRI.weekday()] == [0, 4]
    # National Day + Mid-autumn 2026: Oct 1–7 off, make-up Sunday Sep 20 and Saturday Oct 10.
    assert all(not CAL.is_working_day(dt.date(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_working_day(dt.date(2026, 10, 8))
    assert CAL.is_working_day(dt.date(2026, 9, 20)) and dt.date(2026, 9, 20).weekday() == 6
    assert CAL.is_working_day(dt.date(2026, 10, 10)) and dt.date(2026, 10, 10).weekday() == 5
    assert not CAL.is_working_day(dt.date(2026, 9, 25))  # Mid-autumn, a Friday
    # Spring Festival 2026: Feb 15–23 off, make-up Saturdays Feb 14 and Feb 28.
    assert all(not CAL.is_working_day(dt.date(2026, 2, d)) for d in range(15, 24))
    assert CAL.is_working_day(dt.date(2026, 2, 14)) and CAL.is_working_day(dt.date(2026, 2, 28))
    assert CAL.is_working_day(dt.date(2026, 2, 24))


def test_is_working_day_follows_monday_to_friday_outside_the_exceptions():
    assert CAL.is_working_day(MON) and CAL.is_working_day(FRI)
    assert not CAL.is_working_day(dt.date(2026, 3, 7))  # Saturday
    assert not CAL.is_working_day(dt.date(2026, 3, 8))  # Sunday


# --- working hours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (on(MON, 11, 30), 1, on(MON, 14, 0)),  # across lunch: 30 min before, 30 after
        (on(MON, 17, 0), 1, on(TUE, 9, 0)),  # across the night
        (on(FRI, 16, 30), 2, at(2026, 3, 9, 9, 30)),  # Friday afternoon → Monday
        (on(MON, 8, 30), 7.5, on(MON, 17, 30)),  # a full day lands on the period end and stays
        (on(MON, 11, 0), 1, on(MON, 12, 0)),  # lands exactly on the lunch break: stays at 12:00
        (on(MON, 12, 0), 1, on(MON, 14, 30)),  # starts exactly at a period end
        (on(MON, 13, 30), 0.5, on(MON, 14, 0)),  # starts exactly at a period start
        (on(MON, 17, 30), 0.5, on(TUE, 9, 0)),  # starts exactly at the day's end
        (on(MON, 7, 0), 1, on(MON, 9, 30)),  # before work: counting starts at 08:30
        (on(MON, 12, 45), 1, on(MON, 14, 30)),  # during lunch: counting starts at 13:30
        (on(MON, 22, 0), 1, on(TUE, 9, 30)),  # at night
        (at(2026, 3, 7, 10, 0), 1, at(2026, 3, 9, 9, 30)),  # on a Saturday
        (on(MON, 8, 30), 15, on(TUE, 17, 30)),  # two full days
        (on(MON, 8, 30), 37.5, on(FRI, 17, 30)),  # a full week
        (on(MON, 8, 30), 40, at(2026, 3, 9, 11, 0)),  # a week and a bit
    ],
)
def test_working_hours(start, hours, due):
    assert CAL.add(start, hours, H) == due


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (on(MON, 11, 50), Decimal("0.25"), on(MON, 13, 35)),  # 10 min before lunch, 5 after
        (on(MON, 9, 0), Decimal("0.1"), on(MON, 9, 6)),
        (on(MON, 9, 0), 0.5, on(MON, 9, 30)),
        (on(MON, 9, 0), Decimal("1") / 3, on(MON, 9, 20)),  # 20 minutes, rounded to the microsecond
        (on(MON, 17, 29), Decimal("0.05"), on(TUE, 8, 32)),  # 1 min today, 2 tomorrow
    ],
)
def test_fractional_working_hours(start, hours, due):
    assert CAL.add(start, hours, H) == due


def test_national_day_week_2026():
    # Wednesday Sep 30: half an hour left today, then Oct 1–7 off.
    assert CAL.add(at(2026, 9, 30, 17, 0), 1, H) == at(2026, 10, 8, 9, 0)
    # Start on a holiday: counting starts on the first working morning.
    assert CAL.add(at(2026, 10, 3, 10, 0), 2, H) == at(2026, 10, 8, 10, 30)
    # Friday Oct 9 → make-up Saturday Oct 10 counts as working.
    assert CAL.add(at(2026, 10, 9, 17, 0), 1, H) == at(2026, 10, 10, 9, 0)
    # Friday Sep 18 → make-up Sunday Sep 20 (Saturday Sep 19 is a rest day).
    assert CAL.add(at(2026, 9, 18, 17, 0), 1, H) == at(2026, 9, 20, 9, 0)
    # Thursday Sep 24 → Mid-autumn Friday off → Monday Sep 28.
    assert CAL.add(at(2026, 9, 24, 17, 0), 1, H) == at(2026, 9, 28, 9, 0)
    # A whole working day from Sep 30 morning, then the next from Oct 8.
    assert CAL.add(at(2026, 9, 30, 8, 30), 15, H) == at(2026, 10, 8, 17, 30)


def test_spring_festival_2026():
    # Friday Feb 13 → make-up Saturday Feb 14 is a working day.
    assert CAL.add(at(2026, 2, 13, 17, 0), 1, H) == at(2026, 2, 14, 9, 0)
    # From the make-up Saturday over the nine-day break to Tuesday Feb 24.
    assert CAL.add(at(2026, 2, 14, 17, 0), 1, H) == at(2026, 2, 24, 9, 0)
    # Starting in the middle of the festival.
    assert CAL.add(at(2026, 2, 18, 11, 0), 4, H) == at(2026, 2, 24, 14, 0)


def test_a_make_up_saturday_is_counted_and_a_plain_one_is_not():
    plain_friday = at(2026, 3, 13, 17, 0)
    assert CAL.add(plain_friday, 1, H) == at(2026, 3, 16, 9, 0)
    make_up_friday = at(2026, 2, 27, 17, 0)  # Saturday Feb 28 is a make-up working day
    assert CAL.add(make_up_friday, 1, H) == at(2026, 2, 28, 9, 0)
    assert CAL.working_seconds_between(at(2026, 2, 28, 0, 0), at(2026, 3, 1, 0, 0)) == 7.5 * 3600
    assert CAL.working_seconds_between(at(2026, 3, 7, 0, 0), at(2026, 3, 9, 0, 0)) == 0


# --- working days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (on(MON, 10, 0), 1, on(TUE, 17, 30)),  # the start day does not count
        (on(MON, 7, 0), 1, on(TUE, 17, 30)),  # not even when starting before work
        (on(MON, 20, 0), 1, on(TUE, 17, 30)),
        (on(FRI, 10, 0), 1, at(2026, 3, 9, 17, 30)),  # over the weekend
        (on(MON, 10, 0), 5, at(2026, 3, 9, 17, 30)),
        (at(2026, 9, 30, 10, 0), 1, at(2026, 10, 8, 17, 30)),  # over National Day
        (at(2026, 9, 30, 10, 0), 3, at(2026, 10, 10, 17, 30)),  # Oct 8, 9 and make-up Saturday 10
        (at(2026, 9, 29, 10, 0), 5, at(2026, 10, 12, 17, 30)),  # Sep 30, Oct 8, 9, 10, 12
        (at(2026, 10, 3, 10, 0), 1, at(2026, 10, 8, 17, 30)),  # starting inside the holiday
        (at(2026, 2, 13, 10, 0), 2, at(2026, 2, 24, 17, 30)),  # Feb 14 (make-up), Feb 24
        (at(2026, 3, 7, 10, 0), 1, at(2026, 3, 9, 17, 30)),  # starting on a Saturday
    ],
)
def test_working_days(start, days, due):
    assert CAL.add(start, days, D) == due


# --- natural kinds -------------------------------------------------------------------------


def test_urgent_hours_run_around_the_clock_through_holidays():
    assert CAL.add(at(2026, 3, 7, 23, 0), 2, LimitKind.URGENT_HOURS) == at(2026, 3, 8, 1, 0)
    assert CAL.add(at(2026, 10, 1, 10, 0), 0.5, LimitKind.URGENT_HOURS) == at(2026, 10, 1, 10, 30)


def test_natural_days_are_24_hour_blocks():
    assert CAL.add(at(2026, 9, 30, 10, 0), 3, LimitKind.NATURAL_DAYS) == at(2026, 10, 3, 10, 0)
    assert CAL.add(on(MON, 10, 0), 1.5, LimitKind.NATURAL_DAYS) == on(TUE, 22, 0)
    assert CAL.elapsed(on(MON, 10, 0), on(TUE, 10, 0), LimitKind.NATURAL_DAYS) == 86400


def test_zero_amount_is_due_at_once():
    assert CAL.add(on(MON, 22, 0), 0, H) == on(MON, 22, 0)
    assert CAL.add(on(MON, 22, 0), 0, D) == on(MON, 22, 0)


# --- time zones ----------------------------------------------------------------------------


def test_utc_inputs_are_read_as_shanghai_wall_clock():
    start = dt.datetime(2026, 3, 2, 3, 30, tzinfo=UTC)  # 11:30 in Shanghai
    due = CAL.add(start, 1, H)
    assert due == dt.datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
    assert due.tzinfo == SHANGHAI and (due.hour, due.minute) == (14, 0)
    # 23:00 UTC Sunday is 07:00 Monday in Shanghai: a working day, before work.
    assert CAL.add(dt.datetime(2026, 3, 1, 23, 0, tzinfo=UTC), 1, H) == on(MON, 9, 30)
    # 17:00 UTC Friday is already 01:00 Saturday in Shanghai.
    assert CAL.add(dt.datetime(2026, 3, 6, 17, 0, tzinfo=UTC), 1, D) == at(2026, 3, 9, 17, 30)


def test_results_are_always_in_the_calendar_time_zone():
    new_york = dt.timezone(dt.timedelta(hours=-5))
    start = dt.datetime(2026, 3, 1, 22, 30, tzinfo=new_york)  # Monday 11:30 in Shanghai
    for kind in LimitKind:
        assert CAL.add(start, 1, kind).tzinfo == SHANGHAI
    assert CAL.add(start, 1, H) == on(MON, 14, 0)


def test_arithmetic_is_done_on_instants_in_a_zone_with_daylight_saving():
    # Berlin jumps from 02:00 to 03:00 on Sunday 2026-03-29: its 00:00–23:00 period holds 22 real hours.
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkCalendar(tz=berlin, periods=((dt.time(0, 0), dt.time(23, 0)),), workdays={dt.date(2026, 3, 29)})
    start = dt.datetime(2026, 3, 29, 0, 0, tzinfo=berlin)
    end = dt.datetime(2026, 3, 29, 23, 0, tzinfo=berlin)
    assert cal.working_seconds_between(start, end) == 22 * 3600
    assert cal.add(start, 22, H) == end
    assert cal.add(start, 4, H) == dt.datetime(2026, 3, 29, 5, 0, tzinfo=berlin)


# --- elapsed, warnings, pauses --------------------------------------------------------------


def test_working_seconds_between():
    assert CAL.working_seconds_between(on(MON, 11, 30), on(MON, 14, 0)) == 3600
    assert CAL.working_seconds_between(on(MON, 0, 0), on(TUE, 0, 0)) == 7.5 * 3600
    assert CAL.working_seconds_between(on(MON, 14, 0), on(MON, 11, 30)) == -3600
    assert CAL.working_seconds_between(at(2026, 10, 1, 0, 0), at(2026, 10, 8, 0, 0)) == 0
    assert CAL.elapsed(on(MON, 11, 30), on(MON, 14, 0), D) == 3600
    assert CAL.elapsed(on(MON, 11, 30), on(MON, 14, 0), LimitKind.URGENT_HOURS) == 2.5 * 3600


def test_warn_at_80_percent():
    # 10 working hours from Monday 08:30 are due Tuesday 11:00; 8 hours are used by Tuesday 09:00.
    assert CAL.add(on(MON, 8, 30), 10, H) == on(TUE, 11, 0)
    assert CAL.warn_at(on(MON, 8, 30), 10, H, 0.8) == on(TUE, 9, 0)
    # One working day from Monday evening spans Tuesday's 7.5 h; 80 % = 6 h → Tuesday 16:00.
    assert CAL.warn_at(on(MON, 18, 0), 1, D, Decimal("0.8")) == on(TUE, 16, 0)
    # Natural kinds: 80 % of the clock time.
    assert CAL.warn_at(on(MON, 0, 0), 10, LimitKind.NATURAL_DAYS, 0.8) == at(2026, 3, 10, 0, 0)
    assert CAL.warn_at(on(MON, 10, 0), 5, LimitKind.URGENT_HOURS, 0.8) == on(MON, 14, 0)
    # The ends of the scale.
    assert CAL.warn_at(on(MON, 8, 30), 10, H, 1) == on(TUE, 11, 0)
    assert CAL.warn_at(on(MON, 9, 0), 10, H, 0) == on(MON, 9, 0)


def test_warn_at_for_working_days_skips_a_holiday():
    # 2 working days from Sep 30 10:00 → Oct 9 17:30; the span holds 6 h (Sep 30) + 7.5 h + 7.5 h.
    start = at(2026, 9, 30, 10, 0)
    assert CAL.add(start, 2, D) == at(2026, 10, 9, 17, 30)
    assert CAL.working_seconds_between(start, at(2026, 10, 9, 17, 30)) == 21 * 3600
    # 80 % of 21 h = 16.8 h: 6 h on Sep 30, 7.5 h on Oct 8, 3.3 h on Oct 9 → 08:30 + 3 h 18 min.
    assert CAL.warn_at(start, 2, D, 0.8) == at(2026, 10, 9, 11, 48)


def test_pause_and_resume_shifts_the_due_time_by_the_paused_working_time():
    start = on(MON, 9, 0)
    due = CAL.add(start, 4, H)
    assert due == on(MON, 14, 30)
    paused = on(MON, 10, 0)
    left = CAL.remaining(paused, due, H)
    assert left == 3 * 3600  # 10:00–12:00 and 13:30–14:30
    resumed = on(WED, 16, 0)
    new_due = CAL.resume(resumed, left, H)
    assert new_due == on(THU, 10, 0)
    # Exactly the working time spent paused was added to the old due time.
    paused_for = CAL.working_seconds_between(paused, resumed)
    assert paused_for == 19.5 * 3600
    assert new_due == CAL.add(due, Decimal(paused_for) / 3600, H)
    assert CAL.remaining(resumed, new_due, H) == left


def test_resume_of_an_overdue_clock_keeps_it_overdue_by_the_same_working_time():
    due = on(MON, 14, 30)
    left = CAL.remaining(on(MON, 15, 30), due, H)
    assert left == -3600
    new_due = CAL.resume(on(TUE, 9, 0), left, H)
    assert new_due == on(MON, 17, 0)  # 30 min of Tuesday morning and 30 of Monday evening
    assert CAL.remaining(on(TUE, 9, 0), new_due, H) == -3600


def test_pause_and_resume_of_natural_and_working_day_clocks():
    due = CAL.add(on(MON, 10, 0), 2, LimitKind.NATURAL_DAYS)
    left = CAL.remaining(on(MON, 22, 0), due, LimitKind.NATURAL_DAYS)
    assert left == 36 * 3600
    assert CAL.resume(at(2026, 10, 1, 0, 0), left, LimitKind.NATURAL_DAYS) == at(2026, 10, 2, 12, 0)
    # A working-days clock resumes with its working seconds.
    due = CAL.add(on(MON, 10, 0), 1, D)  # Tuesday 17:30
    left = CAL.remaining(on(TUE, 12, 0), due, D)
    assert left == 4 * 3600
    assert CAL.resume(at(2026, 9, 30, 16, 0), left, D) == at(2026, 10, 8, 11, 0)


# --- uncovered years -----------------------------------------------------------------------


def test_uncovered_years_are_reported():
    start = at(2026, 12, 30, 10, 0)
    due = CAL.add(start, 5, D)
    assert due.year == 2027
    assert CAL.uncovered_years(start, due) == {2027}
    assert CAL.uncovered_years(on(MON, 9, 0), on(FRI, 9, 0)) == set()
    assert CAL.uncovered_years(at(2028, 1, 1), at(2026, 6, 1)) == {2027, 2028}
    # Without data, 2027 is counted Monday–Friday: Friday Jan 1 2027 counts as a working day.
    assert CAL.add(at(2026, 12, 31, 17, 0), 1, H) == at(2027, 1, 1, 9, 0)


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: CAL.add(dt.datetime(2026, 3, 2, 9, 0), 1, H), "timezone-aware"),
        (lambda: CAL.add(on(MON, 9), -1, H), "must not be negative"),
        (lambda: CAL.add(on(MON, 9), 1, "fortnights"), "Unknown time-limit kind"),
        (lambda: CAL.add(on(MON, 9), float("nan"), H), "finite"),
        (lambda: CAL.add(on(MON, 9), float("inf"), H), "finite"),
        (lambda: CAL.add(on(MON, 9), "3", H), "must be a number"),
        (lambda: CAL.add(on(MON, 9), True, H), "must be a number"),
        (lambda: CAL.add(on(MON, 9), 1.5, D), "whole number"),
        (lambda: CAL.add(MON, 1, H), "must be a datetime"),
        (lambda: CAL.warn_at(on(MON, 9), 1, H, 1.2), "between 0 and 1"),
        (lambda: CAL.warn_at(on(MON, 9), 1, H, -0.1), "must not be negative"),
        (lambda: CAL.working_seconds_between(on(MON, 9), dt.datetime(2026, 3, 2)), "timezone-aware"),
        (lambda: CAL.elapsed(on(MON, 9), on(MON, 10), "weeks"), "Unknown time-limit kind"),
        (lambda: CAL.resume(on(MON, 9), 1.5, H), "must be an int"),
        (lambda: WorkCalendar(periods=((dt.time(12), dt.time(9)),)), "end after it starts"),
        (lambda: WorkCalendar(holidays={MON}, workdays={MON}), "both holiday and make-up"),
        (lambda: WorkCalendar(periods=()).add(on(MON, 9), 1, H), "no working periods"),
    ],
)
def test_invalid_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_kind_may_be_given_as_its_string_value():
    assert CAL.add(on(MON, 11, 30), 1, "working_hours") == on(MON, 14, 0)


def test_overlapping_periods_are_merged_not_counted_twice():
    cal = WorkCalendar(periods=((dt.time(9), dt.time(12)), (dt.time(11), dt.time(13)), (dt.time(13), dt.time(14))))
    assert cal.periods == ((dt.time(9), dt.time(14)),)
    assert cal.working_day_length == dt.timedelta(hours=5)
    assert cal.add(on(MON, 9), 5, H) == on(MON, 14)


def test_natural_kinds_work_without_working_periods():
    cal = WorkCalendar(periods=())
    assert cal.add(on(MON, 9), 1, LimitKind.URGENT_HOURS) == on(MON, 10)


# --- properties ----------------------------------------------------------------------------

starts = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31), timezones=st.sampled_from([UTC, SHANGHAI]))
# Hundredths of an hour (36 s) keep amounts exact, up to a few weeks of working time.
hours = st.integers(min_value=0, max_value=30000).map(lambda n: Decimal(n) / 100)
positive_hours = st.integers(min_value=1, max_value=30000).map(lambda n: Decimal(n) / 100)
PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _in_working_time(cal: WorkCalendar, instant: dt.datetime) -> bool:
    local = instant.astimezone(cal.tz)
    # A positive amount never ends on a period start: it would have ended on the previous period's end.
    return cal.is_working_day(local.date()) and any(s < local.time() <= e for s, e in cal.periods)


@PROPS
@given(start=starts, a=hours, b=hours)
def test_add_is_monotonic_in_the_amount(start, a, b):
    lo, hi = sorted((a, b))
    assert CAL.add(start, lo, H) <= CAL.add(start, hi, H)


@PROPS
@given(start=starts, h=hours)
def test_working_seconds_between_inverts_add(start, h):
    assert CAL.working_seconds_between(start, CAL.add(start, h, H)) == h * 3600


@PROPS
@given(start=starts, a=hours, b=hours)
def test_add_is_associative(start, a, b):
    assert CAL.add(CAL.add(start, a, H), b, H) == CAL.add(start, a + b, H)


@PROPS
@given(start=starts, h=positive_hours)
def test_a_working_hours_deadline_is_inside_or_at_the_end_of_a_working_period(start, h):
    assert _in_working_time(CAL, CAL.add(start, h, H))


@PROPS
@given(start=starts, n=st.integers(min_value=1, max_value=60))
def test_a_working_days_deadline_ends_the_nth_working_day_after_the_start_day(start, n):
    due = CAL.add(start, n, D)
    local_start, local_due = start.astimezone(SHANGHAI).date(), due.astimezone(SHANGHAI)
    assert CAL.is_working_day(local_due.date()) and local_due.time() == dt.time(17, 30)
    days = (local_start + dt.timedelta(days=i) for i in range(1, (local_due.date() - local_start).days + 1))
    assert sum(CAL.is_working_day(d) for d in days) == n


@PROPS
@given(start=starts, h=hours, pause=hours, paused_for=hours)
def test_pause_resume_round_trip(start, h, pause, paused_for):
    due = CAL.add(start, h, H)
    now = CAL.add(start, min(pause, h), H)
    left = CAL.remaining(now, due, H)
    assert left == (h - min(pause, h)) * 3600
    later = CAL.add(now, paused_for, H)
    new_due = CAL.resume(later, left, H)
    assert CAL.working_seconds_between(later, new_due) == left
    if left > 0:
        assert new_due == CAL.add(due, paused_for, H)


@PROPS
@given(start=starts, h=hours)
def test_resume_backwards_undoes_resume_forwards(start, h):
    seconds = int(h * 3600)
    forward = CAL.resume(start, seconds, H)
    back = CAL.resume(forward, -seconds, H)
    assert CAL.working_seconds_between(back, start) == 0  # the same point in working time
    assert CAL.working_seconds_between(back, forward) == seconds


@PROPS
@given(start=starts, h=hours, ratio=st.integers(min_value=0, max_value=100).map(lambda n: Decimal(n) / 100))
def test_warn_at_is_between_start_and_due(start, h, ratio):
    warn, due = CAL.warn_at(start, h, H, ratio), CAL.add(start, h, H)
    assert warn <= due
    assert CAL.working_seconds_between(start, warn) == pytest.approx(float(h * 3600 * ratio), abs=1)


# --- the database side: seed migration, cached loader, sync, admin -------------------------


@pytest.fixture
def fresh_cache():
    workcalendar.bump_calendar_version()
    yield
    workcalendar.bump_calendar_version()


@pytest.fixture
def admin_client(client):
    client.force_login(f.UserFactory(username="cal_admin", role=Role.ADMIN, is_superuser=True, is_staff=True))
    return client


def _rows(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    return dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind"))


@pytest.mark.django_db
def test_migration_seeded_2026_holidays_make_up_days_years_and_periods():
    hol, work = DayKind.HOLIDAY, DayKind.WORKDAY
    national = {dt.date(2026, 10, d): hol for d in (1, 2, 5, 6, 7)}  # Oct 3–4 are a weekend: no row
    assert _rows(dt.date(2026, 9, 1), dt.date(2026, 10, 31)) == {
        dt.date(2026, 9, 20): work,
        dt.date(2026, 9, 25): hol,
        **national,
        dt.date(2026, 10, 10): work,
    }
    assert _rows(dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == {
        dt.date(2026, 2, 14): work,
        **{dt.date(2026, 2, d): hol for d in (16, 17, 18, 19, 20, 23)},
        dt.date(2026, 2, 28): work,
    }
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 14)).name == "春节"
    assert list(CalendarYear.objects.values_list("year", "source")) == [(y, "package") for y in range(2004, 2027)]
    assert tuple(WorkingPeriod.objects.values_list("start", "end")) == DEFAULT_PERIODS
    # Only exceptions to the Monday–Friday rule are stored.
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        assert (day.weekday() < 5) == (kind == DayKind.HOLIDAY), day


@pytest.mark.django_db
def test_load_calendar_equals_the_package_calendar_and_is_cached(django_assert_num_queries, fresh_cache):
    with django_assert_num_queries(4):
        cal = load_calendar()
    assert cal == CAL
    with django_assert_num_queries(1):
        assert load_calendar() is cal


@pytest.mark.django_db
def test_load_calendar_notices_edits_that_keep_counts_and_ids(fresh_cache):
    cal = load_calendar()
    # Edits as another process would make them: no bump, same row counts and ids.
    CalendarDay.objects.filter(date=dt.date(2026, 10, 10)).update(date=dt.date(2026, 10, 11))
    assert load_calendar() is not cal
    assert load_calendar().is_working_day(dt.date(2026, 10, 11)) and not load_calendar().is_working_day(dt.date(2026, 10, 10))
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).update(kind=DayKind.WORKDAY)
    assert load_calendar().is_working_day(dt.date(2026, 10, 1))
    WorkingPeriod.objects.filter(start=dt.time(13, 30)).update(start=dt.time(14, 0))
    assert load_calendar().periods[1] == (dt.time(14, 0), dt.time(17, 30))
    CalendarYear.objects.filter(year=2026).update(year=2027)
    assert load_calendar().uncovered_years(at(2026, 6, 1), at(2027, 6, 1)) == {2026}


@pytest.mark.django_db
def test_load_calendar_falls_back_to_default_periods(fresh_cache):
    WorkingPeriod.objects.all().delete()
    assert load_calendar().periods == DEFAULT_PERIODS


@pytest.mark.django_db
def test_sync_from_package_is_idempotent_and_repairs_only_the_chosen_years(fresh_cache):
    assert sync_from_package() == 0
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).delete()  # missing
    CalendarDay.objects.filter(date=dt.date(2026, 10, 10)).update(name="wrong")  # differs
    CalendarDay.objects.create(date=dt.date(2026, 3, 3), kind=DayKind.HOLIDAY, name="stale")  # extra
    CalendarYear.objects.filter(year=2026).update(source=CalendarYear.Source.MANUAL)
    CalendarDay.objects.create(date=dt.date(2025, 3, 4), kind=DayKind.HOLIDAY, name="kept")  # other year
    assert sync_from_package([2026, 2030]) == 4
    assert sync_from_package([2026]) == 0
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).kind == DayKind.HOLIDAY
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).name == "国庆节"
    assert not CalendarDay.objects.filter(date=dt.date(2026, 3, 3)).exists()
    assert CalendarDay.objects.filter(date=dt.date(2025, 3, 4)).exists()
    assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.PACKAGE
    assert sync_from_package([2030]) == 0 and not CalendarYear.objects.filter(year=2030).exists()


@pytest.mark.django_db
def test_sync_holidays_command_reports_and_refuses_unknown_years():
    out, err = StringIO(), StringIO()
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).delete()
    call_command("sync_holidays", "--years", "2026", "2027", stdout=out, stderr=err)
    assert "Synced 1 year(s) (2026–2026): 1 row(s) changed." in out.getvalue()
    assert "Skipped 2027" in err.getvalue()
    assert CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).exists()
    with pytest.raises(CommandError, match="no data for 2027"):
        call_command("sync_holidays", "--years", "2027")


@pytest.mark.django_db
def test_admin_saves_drop_the_cached_calendar(admin_client, fresh_cache):
    assert load_calendar().is_working_day(dt.date(2027, 1, 1))
    response = admin_client.post("/admin/casework/calendarday/add/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302
    assert workcalendar._cached is None
    assert not load_calendar().is_working_day(dt.date(2027, 1, 1))
    listing = admin_client.get("/admin/casework/calendarday/", {"q": "元旦", "kind__exact": "holiday", "date__year": "2027"})
    assert [d.date for d in listing.context["cl"].result_list] == [dt.date(2027, 1, 1)]


@pytest.mark.django_db
def test_admin_refuses_overlapping_working_periods(admin_client, fresh_cache):
    response = admin_client.post("/admin/casework/workingperiod/add/", {"start": "11:00", "end": "14:00"})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert WorkingPeriod.objects.count() == 2
