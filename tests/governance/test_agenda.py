"""The agenda: which cases it takes up and why, the Monday task (twice, late, concurrently), items
carried over until decided, and the follow-up of earlier decisions."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from governance import tasks
from governance.meetings import services as meetings
from governance.meetings.agenda import agenda_candidates, follow_up, week_of
from governance.meetings.choices import ItemReason, MeetingKind, MeetingStatus, Outcome
from governance.meetings.subjects.case import case_histories
from governance.models import AgendaItem, Meeting
from grids.models import Notification
from incidents import services as cases
from incidents.choices import Action, Escalation, Status
from incidents.models import Incident
from tests.governance.conftest import in_days
from tests.incidents import factories as cf

pytestmark = pytest.mark.django_db


def monday(weeks: int = 0, hour: int = 8) -> dt.datetime:
    """Monday `hour`:00 local time, `weeks` weeks from this week."""
    start = week_of(timezone.now()) + dt.timedelta(weeks=weeks)
    return timezone.make_aware(dt.datetime.combine(start, dt.time(hour)))


def agenda(meeting) -> dict[int, AgendaItem]:
    return {item.incident_id: item for item in meeting.items.active()}


def red_card_case(make_case, world):
    case = make_case(Status.ACCEPTED, department=world.safety)
    cases.escalate_overdue(now=case.due_at + dt.timedelta(days=2))
    case.refresh_from_db()
    assert case.escalation == Escalation.RED
    return case


def decide_and_publish(meeting, world, decisions: dict, *, now=None) -> Meeting:
    street = world.users.street
    if meeting.status == MeetingStatus.PREPARED:
        meetings.start_session(meeting.pk, actor=street)
    items = agenda(meeting)
    for incident_id, department in decisions.items():
        meetings.record_decision(items[incident_id].pk, actor=street, lead_department=department, deadline=in_days(5), note="Settle it")
    return meetings.publish_minutes(meeting.pk, actor=street, now=now)


# --- candidates ----------------------------------------------------------------------------------

def test_candidates_carry_the_reason_and_the_history_of_returns_and_escalations(world, make_case, disputed):
    dispute = disputed()
    red = red_card_case(make_case, world)
    # Disputed, then dispatched by the street office outside a meeting and returned again.
    redispatched = disputed(cell=world.cell_a2x)
    cases.apply_action(redispatched.pk, actor=world.users.street, action=Action.DISPATCH, params={"department": world.police.pk})
    redispatched.refresh_from_db()
    assert redispatched.status == Status.DISPATCHED and redispatched.return_count == 2
    ordinary = make_case(Status.DISPATCHED)
    closed = make_case(Status.CLOSED)

    found = {c.incident_id: c.reason for c in agenda_candidates(week_start=week_of(), now=red.due_at + dt.timedelta(days=2))}

    assert found == {dispute.pk: ItemReason.DISPUTED, red.pk: ItemReason.RED_CARD, redispatched.pk: ItemReason.RETURNED}
    assert ordinary.pk not in found and closed.pk not in found
    # Disputed first, then returned, then red cards.
    assert list(found) == [dispute.pk, redispatched.pk, red.pk]

    lines = case_histories([dispute.pk, red.pk, ordinary.pk])
    assert "returned by 安监办" in lines[dispute.pk].line and "returned by 城管中队" in lines[dispute.pk].line
    assert "disputed automatically" in lines[dispute.pk].line
    assert lines[dispute.pk].department_ids == {world.safety.pk, world.urban.pk}
    assert "yellow card" in lines[red.pk].line and "red card" in lines[red.pk].line
    assert lines[ordinary.pk].line == "No returns or escalations."


def test_a_red_card_case_no_longer_overdue_or_a_handled_one_is_not_a_candidate(world, make_case):
    red = red_card_case(make_case, world)
    assert red.pk in {c.incident_id for c in agenda_candidates(week_start=week_of(), now=red.due_at + dt.timedelta(days=2))}
    # Handled meanwhile: no department left to assign.
    cases.apply_action(red.pk, actor=cf.handler_of(world.safety, red.zone_id), action=Action.HANDLE, params={"result": "done"})
    assert red.pk not in {c.incident_id for c in agenda_candidates(week_start=week_of(), now=red.due_at + dt.timedelta(days=3))}


def test_a_suspended_disputed_case_still_reaches_the_meeting(world, disputed):
    case = disputed()
    cases.apply_action(case.pk, actor=world.users.street, action=Action.SUSPEND, params={"reason": "parked"})
    found = {c.incident_id: c.reason for c in agenda_candidates(week_start=week_of())}
    assert found == {case.pk: ItemReason.DISPUTED}


# --- the Monday task -------------------------------------------------------------------------------

def test_the_task_prepares_this_weeks_meeting_once_however_often_it_runs(world, disputed, django_capture_on_commit_callbacks):
    first, second = disputed(), disputed(cell=world.cell_b1x)
    pk = tasks.prepare_weekly_agenda()
    again = tasks.prepare_weekly_agenda()

    assert pk == again
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.status, meeting.week_start) == (MeetingKind.WEEKLY, MeetingStatus.PREPARED, week_of())
    assert meeting.number == 1 and meeting.year == timezone.localtime(meeting.held_at).year
    assert sorted(agenda(meeting)) == sorted([first.pk, second.pk])
    assert {i.reason for i in meeting.items.all()} == {ItemReason.DISPUTED}
    assert all("returned by" in i.history for i in meeting.items.all())
    # The departments the cases went back and forth between are invited.
    assert set(meeting.attending_departments.all()) == {world.safety, world.urban}
    # The street office hears about it once.
    assert Notification.objects.filter(recipient=world.users.street, kind="meeting_prepared").count() == 1


def test_running_late_in_the_week_and_a_week_late_gives_one_meeting_per_week(world, disputed):
    case = disputed()
    meetings.prepare_weekly_meeting(now=monday(0))
    meetings.prepare_weekly_meeting(now=monday(0, hour=17) + dt.timedelta(days=2))  # Wednesday evening, same week
    assert Meeting.objects.count() == 1
    # Beat was down the next Monday; it runs on the Monday after (a week late) and again that Tuesday.
    newer = disputed(cell=world.cell_b1x)
    late, created = meetings.prepare_weekly_meeting(now=monday(2))
    meetings.prepare_weekly_meeting(now=monday(2) + dt.timedelta(days=1))
    assert created
    assert list(Meeting.objects.order_by("week_start").values_list("week_start", "number")) == [
        (week_of(monday(0)), 1), (week_of(monday(2)), 2),
    ]
    # The week-late agenda has everything still undecided: the old case (carried from the meeting
    # that never took place) and the new one.
    items = agenda(late)
    assert sorted(items) == sorted([case.pk, newer.pk])
    assert items[case.pk].carried_from == Meeting.objects.get(week_start=week_of(monday(0)))
    assert items[newer.pk].carried_from is None
    assert late.held_at > monday(2)


def test_refresh_adds_new_candidates_but_not_removed_ones(world, disputed):
    first = disputed()
    meeting, _ = meetings.prepare_weekly_meeting()
    meetings.withdraw_item(agenda(meeting)[first.pk].pk, actor=world.users.street, reason="Settled by phone")
    second = disputed(cell=world.cell_b1x)
    assert meetings.refresh_agenda(meeting.pk, actor=world.users.street) == 1
    assert sorted(agenda(meeting)) == [second.pk]
    assert meetings.refresh_agenda(meeting.pk, actor=world.users.street) == 0


@pytest.mark.django_db(transaction=True)
def test_the_task_run_concurrently_makes_one_meeting_with_each_item_once(postgres, world, disputed):
    first, second = disputed(), disputed(cell=world.cell_b1x)
    barrier = threading.Barrier(6)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(tasks.prepare_weekly_agenda())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Meeting.objects.count() == 1 and set(results) == {Meeting.objects.get().pk}
    assert sorted(AgendaItem.objects.values_list("incident_id", flat=True)) == sorted([first.pk, second.pk])
    assert Notification.objects.filter(recipient=world.users.street, kind="meeting_prepared").count() == 1


# --- carried over until decided ------------------------------------------------------------------

def test_items_are_carried_over_until_decided(world, make_case, disputed):
    street = world.users.street
    dispute = disputed()
    other = make_case(Status.REGISTERED, cell=world.cell_a2x)
    week1, _ = meetings.prepare_weekly_meeting(now=monday(0))
    meetings.add_item(week1.pk, actor=street, incident=other.code, reason_note="Residents petitioned twice")
    # Held, nothing decided.
    decide_and_publish(week1, world, {})

    week2, _ = meetings.prepare_weekly_meeting(now=monday(1))
    items = agenda(week2)
    assert sorted(items) == sorted([dispute.pk, other.pk])
    assert items[other.pk].reason == ItemReason.MANUAL and items[other.pk].carried_from == week1
    assert items[dispute.pk].reason == ItemReason.DISPUTED and items[dispute.pk].carried_from == week1
    # Decided this time: the disputed case; the other one is left for later.
    decide_and_publish(week2, world, {dispute.pk: world.urban})

    week3, _ = meetings.prepare_weekly_meeting(now=monday(2))
    assert sorted(agenda(week3)) == [other.pk]
    assert agenda(week3)[other.pk].carried_from == week2
    decide_and_publish(week3, world, {other.pk: world.police})

    week4, _ = meetings.prepare_weekly_meeting(now=monday(3))
    assert agenda(week4) == {}


def test_a_case_returned_again_after_a_decision_comes_back(world, make_case, disputed):
    case = disputed()
    week1, _ = meetings.prepare_weekly_meeting(now=monday(0))
    decide_and_publish(week1, world, {case.pk: world.urban})
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert case.pk not in {c.incident_id for c in agenda_candidates(week_start=week_of(monday(1)))}
    # The lead department sends it back anyway: disputed again (returned three times).
    cases.apply_action(case.pk, actor=cf.handler_of(world.urban, case.zone_id), action=Action.RETURN, params={"reason": "Still not ours"})
    week2, _ = meetings.prepare_weekly_meeting(now=monday(1))
    assert agenda(week2)[case.pk].reason == ItemReason.DISPUTED
    assert "meeting no. 1 assigned 城管中队" in agenda(week2)[case.pk].history


# --- follow-up --------------------------------------------------------------------------------

def test_the_next_agenda_follows_up_decisions_still_open_or_missed(world, disputed):
    kept, missed, open_ = disputed(), disputed(cell=world.cell_a2x), disputed(cell=world.cell_b1x)
    week1, _ = meetings.prepare_weekly_meeting(now=monday(0))
    decide_and_publish(week1, world, {kept.pk: world.urban, missed.pk: world.safety, open_.pk: world.police})
    # `kept` is handled and closed in time; `missed` is not; `open_` gets a later deadline.
    urban = cf.handler_of(world.urban, kept.zone_id)
    for action, params, actor in (
        (Action.ACCEPT, {}, urban), (Action.HANDLE, {"result": "cleared"}, urban),
        (Action.VERIFY, {"passed": True}, world.users.street), (Action.CLOSE, {}, world.users.street),
    ):
        cases.apply_action(kept.pk, actor=actor, action=action, params=params)
    decision = agenda(week1)[open_.pk].decision
    decision.deadline = in_days(30)
    decision.save()

    week2, _ = meetings.prepare_weekly_meeting(now=monday(1))
    rows = {row.decision.item.incident_id: row.outcome for row in follow_up(week2, now=in_days(8))}
    assert rows == {missed.pk: Outcome.MISSED, open_.pk: Outcome.OPEN}
    # None of them is a new candidate: each left the disputed state with an owner.
    assert agenda(week2) == {}
    assert Incident.objects.get(pk=missed.pk).department == world.safety
