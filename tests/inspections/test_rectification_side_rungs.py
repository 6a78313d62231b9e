"""The hazard's two side clocks on the shared sweep: an overdue recheck (3 working days after the
request to close) and an overdue referral feedback (5 working days after the referral). Each rung
fires once per due time, exactly at it and not a minute before; a second run, or a run a month
later, adds no event and no notification; a new request to close (after a failed recheck) is a new
due time and fires once more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from casework.calendar import load_calendar
from casework.choices import LimitKind
from grids.models import Notification
from grids.people import street_office
from inspections import services
from inspections.choices import HazardEventKind as K
from inspections.models import Hazard, HazardEvent
from tests.inspections.rectification_fixtures import gps_jpeg

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def act(hazard, actor, action, photos=None, now=None, **params):
    return services.apply_hazard_action(hazard.pk, actor=actor, action=action, params=params, photos=photos, now=now)


def side(now) -> tuple[int, int]:
    result = services.escalate_overdue_hazards(now=now)
    return result["recheck_overdue"], result["referral_overdue"]


def events(hazard, kind) -> int:
    return HazardEvent.objects.filter(hazard=hazard, kind=kind).count()


def next_friday(after: dt.datetime) -> dt.datetime:
    """The first Friday 10:00 (local) that is a working day, later than `after`: its third working
    day after is next week, so the clock must skip the weekend."""
    cal, day = load_calendar(), timezone.localtime(after).date() + dt.timedelta(days=1)
    while day.weekday() != 4 or not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def test_a_recheck_overdue_fires_once_at_its_working_day_due_time(world, drive):
    users = world.users
    hazard = drive.to("rectifying", general=True)
    submitted = next_friday(timezone.now())
    act(hazard, users.worker, "submit", photos=[gps_jpeg(taken=submitted - MINUTE)], now=submitted, note="已整改")
    hazard = Hazard.objects.get(pk=hazard.pk)
    due = hazard.recheck_due_at
    assert due == load_calendar().add(submitted, 3, LimitKind.WORKING_DAYS)
    assert (due - submitted).days >= 5  # Friday + 3 working days is across the weekend

    assert side(submitted + dt.timedelta(days=3)) == (0, 0)  # three calendar days are not three working days
    assert side(due - MINUTE) == (0, 0)
    assert side(due) == (1, 0)
    assert side(due) == (0, 0)
    assert side(due + dt.timedelta(days=30)) == (0, 0)
    assert events(hazard, K.RECHECK_OVERDUE) == 1
    told = {*street_office(), users.zone_leader.pk}
    notes = Notification.objects.filter(kind=K.RECHECK_OVERDUE)
    assert set(notes.values_list("recipient_id", flat=True)) == told and notes.count() == len(told)


def test_a_recheck_overdue_counts_its_reviewers_and_a_new_request_to_close_is_a_new_due_time(world, drive):
    users = world.users
    hazard = drive.to("rectifying", general=True)
    now = timezone.now()
    act(hazard, users.worker, "submit", photos=[gps_jpeg(taken=now + MINUTE)], now=now + 2 * MINUTE)
    act(hazard, users.safety, "start_recheck", reviewers=[users.safety_a.pk], now=now + 3 * MINUTE)
    first_due = Hazard.objects.get(pk=hazard.pk).recheck_due_at
    assert side(first_due) == (1, 0)
    assert Notification.objects.filter(kind=K.RECHECK_OVERDUE, recipient=users.safety_a).count() == 1

    failed = first_due + dt.timedelta(hours=1)
    act(hazard, users.safety_a, "fail_recheck", reason="仍未整改", now=failed)
    assert Hazard.objects.get(pk=hazard.pk).recheck_due_at is None
    assert side(failed + dt.timedelta(days=1))[0] == 0  # rectifying again: no recheck is due
    again = failed + dt.timedelta(days=1)
    act(hazard, users.worker, "submit", photos=[gps_jpeg(taken=again + MINUTE)], now=again + 2 * MINUTE)
    second_due = Hazard.objects.get(pk=hazard.pk).recheck_due_at
    assert second_due > first_due
    assert side(second_due - MINUTE)[0] == 0
    assert side(second_due)[0] == 1
    assert side(second_due + dt.timedelta(days=2))[0] == 0
    assert events(hazard, K.RECHECK_OVERDUE) == 2


def test_a_recheck_decided_in_time_never_fires(world, drive):
    hazard = drive.to("closed")  # a major hazard, rechecked by two reviewers at once
    assert Hazard.objects.get(pk=hazard.pk).recheck_due_at is None
    assert side(timezone.now() + dt.timedelta(days=60)) == (0, 0)
    assert events(hazard, K.RECHECK_OVERDUE) == 0


def test_a_referral_feedback_overdue_fires_once_at_its_working_day_due_time(world, drive):
    users = world.users
    hazard = drive.to("rectifying")
    referred = next_friday(timezone.now())
    act(hazard, users.safety, "refer", department=world.urban.pk, reason="超出街道职权", now=referred)
    due = Hazard.objects.get(pk=hazard.pk).referral_due_at
    assert due == load_calendar().add(referred, 5, LimitKind.WORKING_DAYS)

    assert side(referred + dt.timedelta(days=5))[1] == 0  # five calendar days are not five working days
    assert side(due - MINUTE)[1] == 0
    assert side(due)[1] == 1
    assert side(due)[1] == 0
    assert side(due + dt.timedelta(days=30))[1] == 0
    assert events(hazard, K.REFERRAL_OVERDUE) == 1
    told = {*street_office(), users.urban.pk, users.safety.pk}  # the office, the department's handler, the sender
    notes = Notification.objects.filter(kind=K.REFERRAL_OVERDUE)
    assert set(notes.values_list("recipient_id", flat=True)) == told and notes.count() == len(told)


def test_feedback_in_time_stops_the_referral_clock(world, drive):
    users = world.users
    hazard = drive.to("rectifying")
    now = timezone.now()
    act(hazard, users.safety, "refer", department=world.urban.pk, reason="超出街道职权", now=now)
    due = Hazard.objects.get(pk=hazard.pk).referral_due_at
    act(hazard, users.urban, "referral_feedback", feedback="已立案查处", now=due - dt.timedelta(hours=2))
    assert side(due + dt.timedelta(days=10))[1] == 0
    assert events(hazard, K.REFERRAL_OVERDUE) == 0


def test_a_voided_hazard_asks_no_department_for_feedback(world, drive):
    users = world.users
    hazard = drive.to("rectifying")
    now = timezone.now()
    act(hazard, users.safety, "refer", department=world.urban.pk, reason="超出街道职权", now=now)
    due = Hazard.objects.get(pk=hazard.pk).referral_due_at
    act(hazard, users.safety, "void", reason="误报：企业已注销", now=now + MINUTE)
    assert side(due + dt.timedelta(days=1))[1] == 0
    assert events(hazard, K.REFERRAL_OVERDUE) == 0
