"""Beat keeps the coming weekly agenda current between the Monday preparations (issue 10's defect:
a case disputed after Monday's agenda was prepared reached no meeting unless someone pressed
"refresh")."""

from __future__ import annotations

import pytest

from governance import tasks
from governance.meetings import services as meetings
from governance.meetings.agenda import week_of
from governance.meetings.choices import ItemReason, MeetingKind, MeetingStatus
from governance.models import AgendaItem, Meeting
from tests.governance.test_agenda import agenda, monday

pytestmark = pytest.mark.django_db


def test_a_case_disputed_after_the_agenda_was_prepared_joins_it_at_the_next_run(world, disputed):
    first = disputed()
    meeting, _ = meetings.prepare_weekly_meeting()
    later = disputed(cell=world.cell_b1x)
    assert sorted(agenda(meeting)) == [first.pk]

    assert tasks.refresh_weekly_agenda() == 1

    items = agenda(meeting)
    assert sorted(items) == sorted([first.pk, later.pk])
    assert items[later.pk].reason == ItemReason.DISPUTED and "returned by" in items[later.pk].history
    assert items[later.pk].position > items[first.pk].position


def test_running_twice_adds_a_case_once(world, disputed):
    meeting, _ = meetings.prepare_weekly_meeting()
    case = disputed()
    assert tasks.refresh_weekly_agenda() == 1
    assert tasks.refresh_weekly_agenda() == 0
    assert AgendaItem.objects.filter(meeting=meeting, incident=case).count() == 1


def test_a_case_the_chair_removed_stays_removed(world, disputed):
    case = disputed()
    meeting, _ = meetings.prepare_weekly_meeting()
    meetings.withdraw_item(agenda(meeting)[case.pk].pk, actor=world.users.street, reason="Settled by phone")
    assert tasks.refresh_weekly_agenda() == 0
    item = AgendaItem.objects.get(meeting=meeting, incident=case)
    assert item.is_withdrawn and item.withdrawn_reason == "Settled by phone"


def test_once_the_meeting_is_in_session_a_new_case_waits_for_the_next_meeting(world, disputed):
    street = world.users.street
    on_agenda = disputed()
    this_week, _ = meetings.prepare_weekly_meeting()
    meetings.start_session(this_week.pk, actor=street)
    newer = disputed(cell=world.cell_b1x)

    # No meeting is being prepared: nothing is added, and no meeting is created early.
    assert tasks.refresh_weekly_agenda() == 0
    assert sorted(agenda(this_week)) == [on_agenda.pk] and Meeting.objects.count() == 1
    # Next Monday's preparation takes it up, with the item this session left undecided.
    next_week, created = meetings.prepare_weekly_meeting(now=monday(1))
    assert created
    assert sorted(agenda(next_week)) == sorted([on_agenda.pk, newer.pk])
    assert agenda(next_week)[on_agenda.pk].carried_from == this_week


def test_a_next_meeting_prepared_early_gets_the_new_case_but_not_the_running_sessions_items(world, disputed):
    street = world.users.street
    on_agenda = disputed()
    this_week, _ = meetings.prepare_weekly_meeting()
    meetings.start_session(this_week.pk, actor=street)
    next_week, _ = meetings.prepare_meeting(kind=MeetingKind.WEEKLY, week_start=week_of(monday(1)), actor=street)
    assert agenda(next_week) == {}  # what the session in progress holds is its business
    newer = disputed(cell=world.cell_b1x)

    assert tasks.refresh_weekly_agenda() == 1
    assert sorted(agenda(next_week)) == [newer.pk] and sorted(agenda(this_week)) == [on_agenda.pk]

    # Published without a decision on it: the next run carries it over.
    meetings.publish_minutes(this_week.pk, actor=street)
    assert tasks.refresh_weekly_agenda() == 1
    assert agenda(next_week)[on_agenda.pk].carried_from == this_week
    assert Meeting.objects.get(pk=this_week.pk).status == MeetingStatus.PUBLISHED


def test_published_minutes_are_never_refreshed(world, disputed):
    meeting, _ = meetings.prepare_weekly_meeting()
    meetings.start_session(meeting.pk, actor=world.users.street)
    meetings.publish_minutes(meeting.pk, actor=world.users.street)
    disputed()
    assert tasks.refresh_weekly_agenda() == 0
    assert agenda(meeting) == {}
