"""The demo meetings: past minutes published with decisions applied to real cases, one item carried
over each week, this week's agenda prepared; meetings alone when there are no cases; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance.meetings.agenda import follow_up, week_of
from governance.meetings.choices import MeetingStatus, Outcome
from governance.meetings.demo import PAST_WEEKS, seed_meetings
from governance.models import AgendaItem, Decision, Meeting
from incidents.choices import EventKind, Status
from tests.incidents import factories as cf

pytestmark = pytest.mark.django_db


def test_without_cases_the_demo_creates_the_meetings_alone(world):
    created = seed_meetings()
    assert created["meetings"] == PAST_WEEKS + 1 and "decisions" not in created
    assert Meeting.objects.filter(status=MeetingStatus.PUBLISHED).count() == PAST_WEEKS
    this_week = Meeting.objects.get(week_start=week_of())
    assert this_week.status == MeetingStatus.PREPARED and this_week.chair == world.users.street
    assert seed_meetings() == {}
    assert Meeting.objects.count() == PAST_WEEKS + 1


def test_with_cases_past_meetings_decide_them_and_carry_one_over(world, cats):
    long_ago = timezone.now() - dt.timedelta(weeks=PAST_WEEKS + 2)
    disputed = [cf.case_in(Status.DISPUTED, world, cats, now=long_ago + dt.timedelta(hours=i)) for i in range(8)]
    recent = cf.case_in(Status.DISPUTED, world, cats)  # disputed this week: only this week's agenda has it

    created = seed_meetings()

    assert created == {"meetings": PAST_WEEKS + 1, "agenda items": 3 + 3 + 3 + 2 + 1, "decisions": 2 + 2 + 2 + 2}
    past = list(Meeting.objects.filter(status=MeetingStatus.PUBLISHED).order_by("week_start"))
    assert len(past) == PAST_WEEKS and [m.number for m in past] == [1, 2, 3, 4]
    for earlier, later in zip(past, past[1:], strict=False):
        carried = AgendaItem.objects.get(meeting=later, carried_from=earlier)
        assert not hasattr(AgendaItem.objects.get(meeting=earlier, incident=carried.incident), "decision")
    for decision in Decision.objects.select_related("item__meeting", "item__incident"):
        case = decision.item.incident
        assert case.status == Status.DISPATCHED and case.department == decision.lead_department and case.due_at == decision.deadline
        event = case.events.get(kind=EventKind.MEETING_DECISION)
        assert event.created_at == decision.applied_at == decision.item.meeting.published_at
        assert event.data["meeting_number"] == decision.item.meeting.number
    assert {d.item.incident_id for d in Decision.objects.all()} == {c.pk for c in disputed}
    this_week = Meeting.objects.get(week_start=week_of())
    assert [i.incident_id for i in this_week.items.all()] == [recent.pk]
    outcomes = {row.outcome for row in follow_up(this_week)}
    assert outcomes == {Outcome.OPEN, Outcome.MISSED}
    assert seed_meetings() == {}


def test_weeks_without_cases_that_called_for_a_meeting_hold_none(world, cats):
    recent = cf.case_in(Status.DISPUTED, world, cats)  # disputed today: no past meeting could have taken it up
    created = seed_meetings()
    assert created == {"meetings": 1, "agenda items": 1}
    assert [(m.week_start, m.status) for m in Meeting.objects.all()] == [(week_of(), MeetingStatus.PREPARED)]
    assert Meeting.objects.get().items.get().incident == recent
