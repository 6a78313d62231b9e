"""The joint interview: a refusal proposes exactly one interview through the weekly meeting, and the
interview runs notice → record → commitment → follow-up → recheck → outcome on the shared engine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from casework.calendar import load_calendar
from casework.errors import Refused
from governance import tasks
from governance.meetings import services as meetings
from governance.meetings.agenda import agenda_candidates, week_of
from governance.meetings.choices import ItemReason, MeetingKind
from governance.models import AgendaItem
from grids.models import Notification
from inspections.choices import EvidencePhase, HazardAction, HazardEventKind, RefusalGround
from inspections.interview_choices import (
    INTERVIEW_TRANSITIONS,
    InterviewAction,
    InterviewEventKind,
    InterviewStatus,
    Outcome,
)
from inspections.models import HazardEvent, InterviewEvent, JointInterview, RectificationPhoto
from inspections.services import apply_hazard_action, interviews
from tests.inspections.interviews.helpers import commit_params, decide, hold_params, scan, schedule_params
from tests.inspections.rectification_fixtures import gps_jpeg

pytestmark = pytest.mark.django_db


def act(interview, action, actor, **params):
    return interviews.apply_interview_action(interview.pk, actor=actor, action=action, params=params)


# --- refusals -------------------------------------------------------------------------------------

def test_a_refusal_is_recorded_once_while_it_is_open(world, refused):
    hazard = refused()
    again = interviews.record_refusal(hazard, reason=RefusalGround.REFUSED_HALT, evidence="仍在生产", actor=world.users.street)
    assert HazardEvent.objects.filter(hazard=hazard, kind=HazardEventKind.REFUSED).count() == 1
    assert again.data["ground"] == RefusalGround.MISSED_DEADLINES
    # The one door, the table's `refuse` action, refuses a second refusal while the first is open.
    with pytest.raises(Refused):
        apply_hazard_action(hazard.pk, actor=world.users.safety, action=HazardAction.REFUSE,
                            params={"ground": RefusalGround.FALSE_EVIDENCE, "evidence": "x"})
    hazard.refresh_from_db()
    assert hazard.refusals == 1
    assert HazardEvent.objects.filter(hazard=hazard, kind=HazardEventKind.REFUSED).count() == 1


def test_only_the_safety_or_street_office_records_a_refusal_on_a_major_open_hazard(world, enterprises, make_hazard):
    hazard = make_hazard(enterprises["a1x"], "confirmed")
    for actor in (world.users.worker, world.users.urban):  # a grid worker; a department other than 安监
        with pytest.raises(Refused):
            interviews.record_refusal(hazard, reason=RefusalGround.REFUSED_HALT, evidence="x", actor=actor)
    with pytest.raises(Http404):
        interviews.record_refusal(hazard, reason=RefusalGround.REFUSED_HALT, evidence="x", actor=world.users.zone_leader_b)
    with pytest.raises(ValidationError):
        interviews.record_refusal(hazard, reason="whatever", evidence="x", actor=world.users.safety)
    with pytest.raises(ValidationError):
        interviews.record_refusal(hazard, reason=RefusalGround.REFUSED_HALT, evidence="", actor=world.users.safety)
    with pytest.raises(ValidationError):
        interviews.record_refusal(hazard, reason=RefusalGround.REFUSED_HALT, evidence="bad\x00", actor=world.users.safety)
    recorded = make_hazard(enterprises["a1x"])  # not confirmed: no level yet
    general = make_hazard(enterprises["a1x"])
    apply_hazard_action(general.pk, actor=world.users.street, action=HazardAction.CONFIRM, params={"level": "general"})
    for other in (recorded, general):
        with pytest.raises(Refused):
            interviews.record_refusal(other, reason=RefusalGround.REFUSED_HALT, evidence="x", actor=world.users.safety)
    assert not HazardEvent.objects.filter(kind=HazardEventKind.REFUSED).exists()


def test_a_refusal_with_an_evidence_photo_keeps_it(world, enterprises, make_hazard, page_for):
    hazard = make_hazard(enterprises["a1x"], "confirmed")
    event = interviews.record_refusal(hazard, reason=RefusalGround.FALSE_EVIDENCE, evidence="照片系旧照", actor=world.users.safety,
                                      evidence_file=gps_jpeg(name="refusal.jpg"))
    assert event.kind == HazardEventKind.REFUSED and event.note == "照片系旧照"
    photo = RectificationPhoto.objects.get(hazard=hazard)
    assert photo.phase == EvidencePhase.REFUSAL
    url = f"/inspections/hazards/{hazard.pk}/evidence/{photo.pk}/"
    assert page_for(world.users.safety).get(url).status_code == 200
    assert page_for(world.users.zone_leader_b).get(url).status_code == 404


# --- the agenda ---------------------------------------------------------------------------------

def test_a_refusal_reaches_the_next_meetings_agenda_once(world, refused):
    meeting, _ = meetings.prepare_meeting(kind=MeetingKind.WEEKLY, week_start=week_of(timezone.now()))
    first, second = refused("a1x"), refused("b1x")
    assert tasks.refresh_weekly_agenda() == 2
    assert tasks.refresh_weekly_agenda() == 0
    items = AgendaItem.objects.filter(meeting=meeting)
    assert sorted(items.values_list("hazard_id", flat=True)) == sorted([first.pk, second.pk])
    item = items.get(hazard=first)
    assert item.reason == ItemReason.INTERVIEW and "refusal recorded" in item.history


def test_an_agenda_item_names_exactly_one_subject(world, refused):
    hazard = refused()
    meeting, _ = meetings.prepare_meeting(kind=MeetingKind.WEEKLY, week_start=week_of(timezone.now()))
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=meeting, reason=ItemReason.MANUAL)
    assert AgendaItem.objects.filter(meeting=meeting, hazard=hazard).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=meeting, hazard=hazard, reason=ItemReason.MANUAL)


def test_the_decision_proposes_one_interview_and_the_hazard_leaves_the_candidates(world, refused):
    hazard = refused()
    item = decide(world, hazard, organiser=world.urban)
    interview = JointInterview.objects.get()
    assert interview.status == InterviewStatus.PROPOSED and interview.organiser == world.urban
    assert interview.decision_id == item.decision.pk and list(interview.hazards.all()) == [hazard]
    assert interview.code.startswith("YT-")
    assert {p.department_id for p in interview.participants.all()} == {world.safety.pk, world.urban.pk}
    assert HazardEvent.objects.filter(hazard=hazard, kind=HazardEventKind.INTERVIEW_PROPOSED).count() == 1
    assert not [c for c in agenda_candidates(week_start=week_of(timezone.now() + dt.timedelta(days=7))) if c.kind == "hazard"]
    # Publishing applied it once: proposing again for the same decision returns the same interview.
    again = interviews.propose_interview([hazard.pk], organiser=world.urban.pk, actor=world.users.street, decision_id=item.decision.pk)
    assert again.pk == interview.pk and JointInterview.objects.count() == 1
    # A new refusal later is a new candidate.
    interviews.record_refusal(hazard, reason=RefusalGround.REFUSED_HALT, evidence="约谈后仍拒不停产", actor=world.users.safety)
    assert [c.object_id for c in agenda_candidates(week_start=week_of(timezone.now())) if c.kind == "hazard"] == [hazard.pk]


def test_the_meeting_may_refer_the_hazard_for_enforcement_instead(world, refused):
    hazard = refused()
    decide(world, hazard, action="refer", organiser=world.urban)
    assert not JointInterview.objects.exists()
    event = HazardEvent.objects.get(hazard=hazard, kind=HazardEventKind.MEETING_DECISION)
    assert event.data["action"] == "refer" and event.data["department"] == world.urban.pk
    assert not [c for c in agenda_candidates(week_start=week_of(timezone.now())) if c.kind == "hazard"]


def test_a_hazard_decision_must_be_an_interview_or_a_referral(world, refused):
    hazard = refused()
    street = world.users.street
    meeting, _ = meetings.prepare_meeting(kind=MeetingKind.WEEKLY, week_start=week_of(timezone.now()), actor=street)
    item = AgendaItem.objects.get(meeting=meeting, hazard=hazard)
    meetings.start_session(meeting.pk, actor=street)
    with pytest.raises(ValidationError):
        meetings.record_decision(item.pk, actor=street, lead_department=world.safety.pk, action="assign",
                                 deadline=timezone.now() + dt.timedelta(days=3))
    decision = meetings.record_decision(item.pk, actor=street, lead_department=world.safety.pk,
                                        deadline=timezone.now() + dt.timedelta(days=3))
    assert decision.action == "interview"  # the hazard subject's default


# --- the interview's steps ----------------------------------------------------------------------

def test_the_whole_interview(world, seated, outsiders):
    interview = seated()
    street = world.users.street
    act(interview, "schedule", street, **schedule_params())
    notices = Notification.objects.filter(kind="interview_schedule")
    assert {n.recipient_id for n in notices} >= {outsiders.prosecutor.pk, outsiders.policeman.pk}
    interview.refresh_from_db()
    act(interview, "hold", street, **hold_params(interview, principal_in_person="true"))
    act(interview, "commit", street, **commit_params())
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.FOLLOW_UP
    assert interview.due_at == load_calendar().add(interview.commitment_signed_at, 5, "working_days")
    assert interview.commitments.count() == 1 and interview.commitment_scan.name.endswith(".pdf")
    act(interview, "report", street, report="已安装报警装置并联网")
    act(interview, "recheck", street, passed="true", note="现场复查合格")
    act(interview, "close", street, outcome=Outcome.RECTIFIED, note="整改完成")
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CLOSED and interview.outcome == Outcome.RECTIFIED
    assert interview.report_on_time is True and interview.due_at is None and not interview.stand_in
    kinds = list(InterviewEvent.objects.filter(interview=interview).values_list("kind", flat=True))
    assert kinds == [InterviewEventKind.PROPOSE, "participant", "participant", "schedule", "hold", "commit", "report", "recheck",
                     "close"]
    hazard = interview.hazards.get()
    assert HazardEvent.objects.filter(hazard=hazard, kind=HazardEventKind.INTERVIEW_CLOSED).get().data["outcome"] == "rectified"


def test_a_stand_in_for_the_principal_is_flagged(world, proposed):
    interview = proposed()
    JointInterview.objects.filter(pk=interview.pk).update(principal_name="张总")
    act(interview, "schedule", world.users.street, **schedule_params())
    interview.refresh_from_db()
    act(interview, "hold", world.users.street, **hold_params(interview, attendee_name="李副经理"))
    interview.refresh_from_db()
    assert interview.stand_in and interview.events.get(kind="hold").data["stand_in"] is True


def test_a_late_follow_up_report_is_recorded_as_late(world, proposed):
    interview = proposed()
    street = world.users.street
    act(interview, "schedule", street, **schedule_params())
    interview.refresh_from_db()
    act(interview, "hold", street, **hold_params(interview))
    act(interview, "commit", street, **commit_params())
    interview.refresh_from_db()
    later = interview.due_at + dt.timedelta(hours=1)
    interviews.apply_interview_action(interview.pk, actor=street, action="report", params={"report": "迟交"}, now=later)
    interview.refresh_from_db()
    assert interview.report_on_time is False
    assert interview.deadlines.get().on_time is False


@pytest.mark.parametrize("status", list(InterviewStatus.values))
def test_every_refused_step_changes_nothing(world, proposed, status):
    interview = proposed()
    JointInterview.objects.filter(pk=interview.pk).update(status=status)
    before = InterviewEvent.objects.count()
    for action, transition in INTERVIEW_TRANSITIONS.items():
        if status in transition.sources:
            continue
        with pytest.raises(Refused):
            act(interview, action, world.users.street, note="x")
        assert JointInterview.objects.get(pk=interview.pk).status == status
    assert InterviewEvent.objects.count() == before
    assert set(interviews.available_interview_actions(world.users.street, JointInterview.objects.get(pk=interview.pk))) == {
        a for a, t in INTERVIEW_TRANSITIONS.items() if status in t.sources
        and not (a == InterviewAction.RECHECK)}  # the recheck waits for the report


def test_bad_input_is_a_validation_error_and_changes_nothing(world, proposed):
    interview = proposed()
    street = world.users.street
    with pytest.raises(ValidationError):
        act(interview, "schedule", street, **schedule_params(scheduled_at="2020-01-01T09:00"))
    with pytest.raises(ValidationError):
        act(interview, "schedule", street, **schedule_params(place=""))
    act(interview, "schedule", street, **schedule_params())
    interview.refresh_from_db()
    act(interview, "hold", street, **hold_params(interview))
    for bad in (commit_params(items=[]), commit_params(items="not-a-date 承诺"), commit_params(scan=scan("x.exe", b"MZ...")),
                commit_params(items=[{"text": "x", "deadline": "2020-01-01"}])):
        with pytest.raises(ValidationError):
            act(interview, "commit", street, **bad)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.HELD and not interview.commitments.exists() and not interview.commitment_scan


def test_only_the_organiser_safety_office_and_street_office_run_it(world, proposed, outsiders):
    interview = proposed()  # organised by the safety office
    for actor, error in ((world.users.urban, Http404), (world.users.zone_leader, Refused), (outsiders.prosecutor, Http404)):
        with pytest.raises(error):
            act(interview, "schedule", actor, **schedule_params())
    assert JointInterview.objects.get(pk=interview.pk).status == InterviewStatus.PROPOSED
    act(interview, "schedule", world.users.safety_a, **schedule_params())
    assert JointInterview.objects.get(pk=interview.pk).status == InterviewStatus.SCHEDULED


def test_a_participant_is_seated_once_and_not_after_the_interview(world, seated, outsiders):
    interview = seated()
    with pytest.raises(Refused):
        interviews.add_participant(interview.pk, actor=world.users.street, body="police", user=outsiders.policeman.pk)
    act(interview, "schedule", world.users.street, **schedule_params())
    interview.refresh_from_db()
    act(interview, "hold", world.users.street, **hold_params(interview))
    with pytest.raises(Refused):
        interviews.add_participant(interview.pk, actor=world.users.street, body="expert", name="王专家")


def test_the_timeline_is_append_only(world, proposed):
    interview = proposed()
    event = interview.events.first()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        interview.events.all().delete()


def test_the_follow_up_reports_ladder_climbs_once_per_rung(world, proposed):
    from inspections.services.interview_steps import sweep_interview_deadlines

    interview = proposed()
    street = world.users.street
    act(interview, "schedule", street, **schedule_params())
    interview.refresh_from_db()
    act(interview, "hold", street, **hold_params(interview))
    act(interview, "commit", street, **commit_params())
    interview.refresh_from_db()
    due = interview.due_at
    assert sweep_interview_deadlines(now=interview.warn_at + dt.timedelta(minutes=1)) == {"warning": 1, "yellow": 0, "red": 0}
    assert sweep_interview_deadlines(now=interview.warn_at + dt.timedelta(minutes=2)) == {"warning": 0, "yellow": 0, "red": 0}
    # A day down, then far overdue: yellow and red in the same run, and never again.
    late = due + dt.timedelta(days=4)
    assert sweep_interview_deadlines(now=late) == {"warning": 0, "yellow": 1, "red": 1}
    assert sweep_interview_deadlines(now=late) == {"warning": 0, "yellow": 0, "red": 0}
    kinds = list(interview.events.filter(kind__startswith="report_").values_list("kind", flat=True))
    assert kinds == ["report_due_soon", "report_overdue", "report_red"]
    safety_notes = Notification.objects.filter(recipient=world.users.safety, kind__startswith="report_")
    assert safety_notes.count() == 3
    assert Notification.objects.filter(recipient=street, kind="report_red").count() == 1
    interviews.apply_interview_action(interview.pk, actor=street, action="report", params={"report": "迟交"}, now=late)
    interview.refresh_from_db()
    assert interview.due_at is None and interview.escalation == 0 and interview.report_on_time is False
