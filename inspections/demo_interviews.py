"""The demo's joint interview: a refusal on one demo major hazard, the interview last week's meeting
proposed, held with the procuratorate and the police, its commitment and its outcome — all through
the services, dated in the past. A second refusal waits on this week's agenda.

Idempotent: once the demo has an interview this step adds nothing. Runs after the demo's hazards.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from grids.choices import DepartmentKind, Role
from grids.models import User
from inspections.choices import HazardLevel, HazardStatus, RefusalGround
from inspections.interview_choices import Body, Outcome
from inspections.models import Hazard, JointInterview
from inspections.services.interviews import add_participant, apply_interview_action, propose_interview, record_refusal

OUTSIDERS = [
    ("jcy_demo", "区人民检察院", "周", "检察官", Body.PROCURATORATE),
    ("pcs_demo", "辛河派出所", "韩", "警官", Body.POLICE),
]
# A one-page PDF standing in for the scanned, signed 整改承诺书.
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _outsiders() -> list[tuple[User, str, str]]:
    password = make_password(settings.DEMO_PASSWORD)
    people = []
    for username, organisation, last, first, body in OUTSIDERS:
        user, _created = User.objects.get_or_create(username=username, defaults={
            "role": Role.EXTERNAL, "last_name": last, "first_name": first, "password": password})
        people.append((user, organisation, body))
    return people


@transaction.atomic
def seed_interviews(*, stdout: TextIO | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    if JointInterview.objects.exists():
        return {}
    now = now or timezone.now()
    majors = list(Hazard.objects.filter(level=HazardLevel.MAJOR, status=HazardStatus.CONFIRMED).order_by("pk")[:2])
    safety = User.objects.filter(role=Role.DEPARTMENT, department__kind=DepartmentKind.SAFETY, zone__isnull=True,
                                 is_active=True).select_related("department").order_by("pk").first()
    street = User.objects.filter(role=Role.STREET, is_active=True).order_by("pk").first()
    if not majors or safety is None or street is None:
        return {}
    hazard = majors[0]

    def day(days: int, hour: int = 9) -> dt.datetime:
        return (timezone.localtime(now) - dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)

    record_refusal(hazard, reason=RefusalGround.MISSED_DEADLINES, actor=safety, now=day(21),
                   evidence="限期整改两次逾期：复查时可燃气体报警装置仍未安装，企业负责人拒绝签收督办函。")
    interview = propose_interview([hazard.pk], organiser=safety.department_id, actor=street, hold_by=day(12, 17),
                                  note="会议决定：一周内组织联合约谈，邀请区检察院、派出所参加。",
                                  meeting_title="周例会（演示）", now=day(19))
    for user, organisation, body in _outsiders():
        add_participant(interview.pk, actor=street, body=body, user=user.pk, organisation=organisation, now=day(18))
    add_participant(interview.pk, actor=street, body=Body.LEADER, name="王建国", organisation="街道办事处", now=day(18))
    apply_interview_action(interview.pk, actor=safety, action="schedule", now=day(17), params={
        "scheduled_at": day(15, 14).isoformat(), "place": "街道办事处三楼301会议室",
        "reason": f"重大事故隐患{hazard.code}经两次限期整改仍未整改，拒不执行整改指令。",
        "materials": "隐患未整改原因的书面说明；整改方案（五落实）；营业执照复印件；主要负责人身份证明。"})
    interview.refresh_from_db()
    principal = interview.principal_name or "企业主要负责人"
    apply_interview_action(interview.pk, actor=safety, action="hold", now=day(15, 16), params={
        "attended": [p.pk for p in interview.participants.all()], "attendee_name": principal, "principal_in_person": "true",
        "record": "一、安监办通报隐患及两次逾期情况；二、企业说明未整改原因（资金未落实）；三、区检察院释明危险作业罪及"
                  "公益诉讼有关规定；四、派出所告知拒不执行的法律后果；五、企业表态立即整改。",
        "minutes": "企业须于5个工作日内书面报告整改进展，10日内完成报警装置安装并联网；逾期移送区应急管理局停产整顿。"})
    deadline = (timezone.localdate(now) - dt.timedelta(days=5)).isoformat()
    apply_interview_action(interview.pk, actor=safety, action="commit", now=day(15, 17), params={
        "items": [{"text": "安装可燃气体报警装置并与燃气切断阀联动", "deadline": deadline},
                  {"text": "落实整改资金并明确安全管理人员", "deadline": deadline}],
        "signed_by": principal, "scan": ContentFile(SCAN, name="commitment.pdf")})
    apply_interview_action(interview.pk, actor=safety, action="report", now=day(11), params={
        "report": "报警装置已采购，安装施工中；整改资金已落实，明确安全员一名。"})
    apply_interview_action(interview.pk, actor=safety, action="recheck", now=day(4), params={
        "passed": "true", "note": "现场复查：报警装置已安装并联动切断阀，运行正常。"})
    apply_interview_action(interview.pk, actor=safety, action="close", now=day(3), params={
        "outcome": Outcome.RECTIFIED, "note": "承诺事项已兑现，隐患已整改。"})
    created = {"joint interviews": 1, "refusals": 1}
    if len(majors) > 1:  # a fresh refusal: this week's agenda proposes an interview for it
        record_refusal(majors[1], reason=RefusalGround.REFUSED_HALT, actor=safety, now=day(1),
                       evidence="责令停产整改后，夜间仍组织生产（巡查照片存档）。")
        created["refusals"] += 1
    if stdout is not None:
        stdout.write(f"Joint interviews: {interview.code} ({Outcome.RECTIFIED.label}); refusals: {created['refusals']}\n")
    return created


__all__ = ["seed_interviews"]
