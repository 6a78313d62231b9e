"""The interview's pages and prints, and the meeting's pages with a hazard on the agenda."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance.meetings import services as meetings
from governance.meetings.agenda import week_of
from governance.meetings.choices import MeetingKind
from governance.models import AgendaItem
from inspections.choices import EvidencePhase, HazardEventKind
from inspections.interview_choices import InterviewStatus
from inspections.models import HazardEvent, JointInterview
from tests.inspections.interviews.helpers import scan
from tests.inspections.rectification_fixtures import gps_jpeg

pytestmark = pytest.mark.django_db


def test_the_meeting_pages_show_and_decide_a_hazard_item(world, refused, page_for):
    hazard = refused()
    street = world.users.street
    meeting, _ = meetings.prepare_meeting(kind=MeetingKind.WEEKLY, week_start=week_of(timezone.now()), actor=street)
    item = AgendaItem.objects.get(meeting=meeting, hazard=hazard)
    client = page_for(street)
    for url in (f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/print/agenda/"):
        response = client.get(url)
        assert response.status_code == 200 and hazard.code in response.content.decode(), url
    meetings.start_session(meeting.pk, actor=street)
    page = client.get(f"/meetings/{meeting.pk}/run/{item.pk}/").content.decode()
    assert 'data-testid="run-hazard"' in page and 'name="action"' in page and 'name="cooperating"' not in page
    deadline = (timezone.localtime() + dt.timedelta(days=6)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/meetings/{meeting.pk}/run/{item.pk}/", {
        "action": "interview", "lead_department": world.safety.pk, "deadline": deadline, "note": "一周内约谈"})
    assert response.status_code == 302
    assert item.__class__.objects.get(pk=item.pk).decision.action == "interview"
    meetings.publish_minutes(meeting.pk, actor=street)
    minutes = client.get(f"/meetings/{meeting.pk}/print/minutes/").content.decode()
    assert hazard.code in minutes and "joint interview" in minutes
    assert JointInterview.objects.filter(hazards=hazard).count() == 1
    assert client.get("/meetings/decisions/").status_code == 200  # the case ledger ignores hazard decisions


def test_the_interview_runs_through_its_page(world, seated, page_for, outsiders):
    interview = seated()
    client = page_for(world.users.safety)
    url = f"/inspections/interviews/{interview.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="action-schedule"' in page and 'data-testid="add-participant"' in page
    when = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(url + "act/", {"action": "schedule", "scheduled_at": when, "place": "301会议室", "reason": "拒不整改",
                               "materials": "书面说明"})
    notice = client.get(url + "print/notice/").content.decode()
    assert "301会议室" in notice and "书面说明" in notice and "onclick" not in notice
    seats = list(interview.participants.values_list("pk", flat=True))
    client.post(url + "act/", {"action": "hold", "attended": seats[:-1], "attendee_name": "李副经理",
                               "principal_in_person": "false", "record": "约谈记录正文", "minutes": "纪要正文"})
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.HELD and interview.stand_in
    assert interview.participants.filter(attended=False).count() == 1
    day = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    client.post(url + "act/", {"action": "commit", "items": f"{day} 安装报警装置\n{day} 制定应急预案", "signed_by": "李副经理",
                               "scan": scan()})
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.FOLLOW_UP and interview.commitments.count() == 2
    record = client.get(url + "print/record/").content.decode()
    assert "约谈记录正文" in record and "stand-in" in record
    response = client.post(url + "act/", {"action": "close", "outcome": "rectified"})
    assert response.status_code == 302  # refused with a message: not rechecked yet
    assert JointInterview.objects.get(pk=interview.pk).status == InterviewStatus.FOLLOW_UP
    dossier = client.get(url + "print/dossier/").content.decode()
    assert "安装报警装置" in dossier and interview.code in dossier


def test_the_hazard_page_offers_the_refusal_to_the_safety_office_only(world, enterprises, make_hazard, page_for):
    hazard = make_hazard(enterprises["a1x"], "confirmed")
    url = f"/inspections/hazards/{hazard.pk}/"
    assert 'data-testid="action-refuse"' in page_for(world.users.safety).get(url).content.decode()
    assert 'data-testid="action-refuse"' not in page_for(world.users.zone_leader).get(url).content.decode()
    client = page_for(world.users.safety)
    client.post(url + "act/", {"action": "refuse", "ground": "refused_halt", "evidence": ""})
    assert not HazardEvent.objects.filter(hazard=hazard, kind=HazardEventKind.REFUSED).exists()
    response = client.post(url + "act/", {"action": "refuse", "ground": "refused_halt", "evidence": "夜间仍生产",
                                          "photos": gps_jpeg(name="night.jpg")})
    assert response.status_code == 302
    assert HazardEvent.objects.filter(hazard=hazard, kind=HazardEventKind.REFUSED).count() == 1
    assert list(hazard.evidence.values_list("phase", flat=True)) == [EvidencePhase.REFUSAL]
    assert 'data-testid="action-refuse"' not in client.get(url).content.decode()  # open: not offered again


def test_a_meeting_with_cases_and_hazards_renders_everywhere(world, refused, page_for):
    from tests.governance.conftest import returned_twice
    from tests.incidents import factories as cf

    cats = cf.category_tree(world)
    case = returned_twice(world, lambda status, **kwargs: cf.case_in(status, world, cats, **kwargs))
    hazard = refused()
    street = world.users.street
    meeting, _ = meetings.prepare_meeting(kind=MeetingKind.WEEKLY, week_start=week_of(timezone.now()), actor=street)
    assert {(i.incident_id, i.hazard_id) for i in meeting.items.all()} == {(case.pk, None), (None, hazard.pk)}
    client = page_for(street)
    hazard_item = AgendaItem.objects.get(meeting=meeting, hazard=hazard)
    client.post(f"/meetings/{meeting.pk}/items/{hazard_item.pk}/withdraw/", {"reason": "先行约谈"})
    for url in (f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/print/agenda/", f"/api/v1/agenda-items/?meeting={meeting.pk}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert case.code in response.content.decode(), url
    assert hazard.code in client.get(f"/meetings/{meeting.pk}/").content.decode()  # among the removed items
    meetings.start_session(meeting.pk, actor=street)
    for item in meeting.items.active():
        assert client.get(f"/meetings/{meeting.pk}/run/{item.pk}/").status_code == 200
    meetings.publish_minutes(meeting.pk, actor=street)
    assert client.get(f"/meetings/{meeting.pk}/print/minutes/").status_code == 200


def test_a_participant_form_sent_twice_seats_one_participant(world, seated, page_for):
    import uuid

    from inspections.models import InterviewParticipant

    interview = seated()
    client = page_for(world.users.safety)
    url = f"/inspections/interviews/{interview.pk}/"
    assert 'name="once_token"' in client.get(url).content.decode()
    form = {"body": "expert", "name": "王专家", "organisation": "安科", "once_token": str(uuid.uuid4())}
    before = interview.participants.count()
    first = client.post(url + "participants/", form)
    second = client.post(url + "participants/", form, follow=True)
    assert first.status_code == 302 and first["Location"] == url
    assert second.redirect_chain[-1][0] == url
    assert InterviewParticipant.objects.filter(interview=interview, name="王专家").count() == 1
    assert interview.participants.count() == before + 1
    client.post(url + "participants/", {**form, "once_token": str(uuid.uuid4())})  # a new form: a second seat
    assert InterviewParticipant.objects.filter(interview=interview, name="王专家").count() == 2
