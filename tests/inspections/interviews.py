"""Fixtures of the joint interview tests: a refused major hazard, a meeting that decides on it,
outside participants, and an interview brought to any step through the services."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.meetings import services as meetings
from governance.meetings.agenda import week_of
from governance.meetings.choices import MeetingKind
from governance.models import AgendaItem
from grids.choices import Role
from inspections.interview_choices import Body, RefusalKind
from inspections.services import interviews
from tests import factories as f

PDF = b"%PDF-1.4\n% a signed commitment\n"


def scan(name: str = "commitment.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _interview_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []


@pytest.fixture
def outsiders(world):
    """A prosecutor and a police officer with external logins, and a second outsider seated nowhere."""
    return SimpleNamespace(
        prosecutor=f.UserFactory(username="p_prosecutor", role=Role.EXTERNAL, last_name="检察", first_name="官"),
        policeman=f.UserFactory(username="p_policeman", role=Role.EXTERNAL, last_name="民", first_name="警"),
        stranger=f.UserFactory(username="p_stranger", role=Role.EXTERNAL),
    )


@pytest.fixture
def refused(world, enterprises, make_hazard):
    """refused(cell="a1x") → a confirmed major hazard of that cell's enterprise with a refusal recorded."""

    def make(cell: str = "a1x", **kwargs):
        hazard = make_hazard(enterprises[cell], "confirmed")
        interviews.record_refusal(hazard, reason=kwargs.get("reason", RefusalKind.MISSED_TWICE),
                                  evidence="第二次整改期限已过，现场仍未安装报警装置", actor=world.users.safety)
        hazard.refresh_from_db()
        return hazard

    return make


def decide(world, hazard, *, action: str = "interview", organiser=None, days: float = 5) -> AgendaItem:
    """This week's weekly meeting takes the hazard up, decides `action` and publishes."""
    street = world.users.street
    meeting, _created = meetings.prepare_meeting(kind=MeetingKind.WEEKLY, week_start=week_of(timezone.now()), actor=street)
    meetings.keep_weekly_agenda_current()
    item = AgendaItem.objects.get(meeting=meeting, hazard=hazard)
    meetings.start_session(meeting.pk, actor=street)
    meetings.record_decision(item.pk, actor=street, lead_department=(organiser or world.safety).pk, action=action,
                             deadline=timezone.now() + dt.timedelta(days=days), note="一周内约谈")
    meetings.publish_minutes(meeting.pk, actor=street)
    return item


@pytest.fixture
def proposed(world, refused):
    """proposed(cell) → the joint interview the meeting proposed on a refused hazard of that cell."""

    def make(cell: str = "a1x"):
        hazard = refused(cell)
        decide(world, hazard)
        return hazard.interviews.get()

    return make


def schedule_params(**extra) -> dict:
    return {"scheduled_at": (timezone.now() + dt.timedelta(days=2)).isoformat(), "place": "街道办301会议室",
            "reason": "拒不整改重大事故隐患", "materials": "整改情况书面说明、治理方案", **extra}


def hold_params(interview, **extra) -> dict:
    return {"attended": [p.pk for p in interview.participants.all()], "attendee_name": interview.principal_name or "张总",
            "record": "企业说明未整改原因；检察院、派出所释法说理。", "minutes": "企业承诺7日内完成整改。", **extra}


def commit_params(**extra) -> dict:
    day = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    return {"items": [{"text": "安装可燃气体报警装置", "deadline": day}], "signed_by": "张总", "scan": scan(), **extra}


@pytest.fixture
def seated(world, outsiders, proposed):
    """seated(cell) → a proposed interview with the prosecutor and the police officer seated (logins)."""

    def make(cell: str = "a1x"):
        interview = proposed(cell)
        interviews.add_participant(interview.pk, actor=world.users.street, body=Body.PROCURATORATE, user=outsiders.prosecutor.pk,
                                   organisation="区人民检察院")
        interviews.add_participant(interview.pk, actor=world.users.street, body=Body.POLICE, user=outsiders.policeman.pk,
                                   organisation="辛河派出所")
        return interview

    return make
