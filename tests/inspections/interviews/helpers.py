"""Step parameters and the meeting's decision, as the interview tests use them."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.meetings import services as meetings
from governance.meetings.agenda import week_of
from governance.meetings.choices import MeetingKind
from governance.models import AgendaItem

PDF = b"%PDF-1.4\n% a signed commitment\n"


def scan(name: str = "commitment.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


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


def schedule_params(**extra) -> dict:
    return {"scheduled_at": (timezone.now() + dt.timedelta(days=2)).isoformat(), "place": "街道办301会议室",
            "reason": "拒不整改重大事故隐患", "materials": "整改情况书面说明、治理方案", **extra}


def hold_params(interview, **extra) -> dict:
    return {"attended": [p.pk for p in interview.participants.all()], "attendee_name": interview.principal_name or "张总",
            "record": "企业说明未整改原因；检察院、派出所释法说理。", "minutes": "企业承诺7日内完成整改。", **extra}


def commit_params(**extra) -> dict:
    day = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    return {"items": [{"text": "安装可燃气体报警装置", "deadline": day}], "signed_by": "张总", "scan": scan(), **extra}
