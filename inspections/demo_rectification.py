"""The demo's rectification: the confirmed demo hazards carried through realistic lives, through
the services, in the order the days passed.

Each enterprise's confirmed hazards get one notice (a major's deadline 10 working days, a general
one's 5: shorter than the rule's defaults, so that the demo's few weeks show whole lives) served
on the spot, and a fate: most are rectified and closed on time, some late (a yellow card), a few
red (a supervision letter), two major ones miss an extended deadline too (挂牌督办 and the
automatic refusal), one has its after-photos found false (a recorded refusal), one fails
a recheck first, one is referred to its department, and some general hazards are fixed on the
spot. Every action and the ladder's daily sweep run at their simulated time, in time order, so the
ladder sees what it would have seen; what would happen after today is left undone (open hazards).
Deterministic; idempotent (a second run finds notices and does nothing).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from itertools import groupby
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image

from casework.calendar import load_calendar
from casework.choices import LimitKind
from grids.choices import DepartmentKind, Role
from grids.models import User
from grids.people import cell_workers
from inspections.choices import HazardLevel, HazardStatus, RectificationMode
from inspections.models import Hazard, RectificationNotice
from inspections.services import apply_hazard_action, escalate_overdue_hazards, issue_notice, serve_notice

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# one fate per enterprise with confirmed hazards, in turn
FATES = ["on_time", "late", "on_time", "spot", "on_time", "red", "late", "failed", "on_time", "referred", "on_time",
         "false_evidence", "on_time", "late", "red", "on_time"]
FALSE = "提交的整改照片与现场不符，企业承认系他处拍摄"
SUPERVISED = 2  # major hazards that miss two deadlines: 挂牌督办 and the automatic refusal
PLAN = {"goals": "消除重大事故隐患，恢复安全生产条件", "methods": "更换不合格设施，完善联锁与报警装置",
        "funds_materials": "企业自筹整改资金，物资已采购", "organisation": "企业主要负责人牵头，安全管理员具体落实",
        "time_requirements": "按通知书期限完成并申请复查",
        "safety_measures": "整改期间停用相关设施，现场设警戒，备应急物资",
        "evaluation_report": "经专家现场评估，整改措施有效，达到安全要求",
        "evaluated_by": "区安全生产专家组"}


def _photo(enterprise, taken: dt.datetime) -> SimpleUploadedFile:
    """An after-photo whose EXIF says it was taken at the enterprise at `taken`."""
    def dms(value: float) -> tuple:
        degrees, minutes = int(value), int((value - int(value)) * 60)
        return (float(degrees), float(minutes), round(((value - degrees) * 60 - minutes) * 60, 4))

    exif = Image.Exif()
    if enterprise.latitude is not None:
        exif[0x8825] = {1: "N", 2: dms(enterprise.latitude), 3: "E", 4: dms(enterprise.longitude)}
    exif[0x8769] = {0x9003: timezone.localtime(taken).strftime("%Y:%m:%d %H:%M:%S")}
    out = io.BytesIO()
    Image.new("RGB", (48, 36), (60, 150, 90)).save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("after.jpg", out.getvalue(), content_type="image/jpeg")


class _Plan:
    """The demo's timeline: (time, order, action) run in time order, each at its time."""

    def __init__(self, now: dt.datetime):
        self.now, self.rows = now, []

    def at(self, when: dt.datetime, action: Callable[[dt.datetime], object]) -> None:
        if when < self.now:
            self.rows.append((when, len(self.rows), action))

    def run(self) -> int:
        for when, _order, action in sorted(self.rows, key=lambda row: (row[0], row[1])):
            action(when)
        return len(self.rows)


def _at_ten(cal, instant: dt.datetime, working_days: int) -> dt.datetime:
    """10:00 on the working day `working_days` after `instant`'s day (0: that day or the next working one)."""
    day = cal.add(instant, working_days, LimitKind.WORKING_DAYS) if working_days else instant
    local = timezone.localtime(day)
    return local.replace(hour=10, minute=0, second=0, microsecond=0)


@transaction.atomic
def seed_rectification(*, stdout: TextIO | None = None) -> dict[str, int]:
    if RectificationNotice.objects.exists() or Hazard.objects.filter(status=HazardStatus.CLOSED).exists():
        return {"notices": 0, "closed": 0}
    safety = User.objects.filter(role=Role.DEPARTMENT, department__kind=DepartmentKind.SAFETY, is_active=True)
    hq = safety.filter(zone__isnull=True).order_by("pk").first()
    street = User.objects.filter(role=Role.STREET, is_active=True).order_by("pk").first()
    hazards = list(Hazard.objects.filter(status=HazardStatus.CONFIRMED, notice__isnull=True)
                   .select_related("enterprise").prefetch_related("enterprise__responsible_departments")
                   .order_by("enterprise_id", "pk"))
    if hq is None or street is None or not hazards:
        return {"notices": 0, "closed": 0}
    cal, now = load_calendar(), timezone.now()
    plan = _Plan(now)
    supervised = 0
    groups = [(enterprise_id, list(rows)) for enterprise_id, rows in groupby(hazards, key=lambda h: h.enterprise_id)]
    for index, (_enterprise_id, group) in enumerate(groups):
        enterprise = group[0].enterprise
        partner = safety.filter(zone_id=enterprise.zone_id).order_by("pk").first() or hq
        workers = User.objects.filter(pk__in=cell_workers(enterprise.grid_cell_id)).order_by("pk")
        worker = next((w for w in workers if Hazard.objects.visible_to(w).filter(pk=group[0].pk).exists()), None)
        recorder = worker or partner  # the cell's grid worker records what the enterprise did
        start = max(h.confirmed_at for h in group) + HOUR
        major = any(h.level == HazardLevel.MAJOR for h in group)
        fate = FATES[index % len(FATES)]
        if major and supervised < SUPERVISED and start < now - dt.timedelta(days=21):
            fate, supervised = "supervised", supervised + 1
        if fate == "spot":
            general = [h for h in group if h.level != HazardLevel.MAJOR]
            for hazard in general:
                plan.at(start, lambda t, pk=hazard.pk, e=enterprise: apply_hazard_action(
                    pk, actor=hq, action="close_on_spot", params={"note": "现场立即整改完毕"}, photos=[_photo(e, t)], now=t))
            group = [h for h in group if h.level == HazardLevel.MAJOR]
            fate = "on_time"
            if not group:
                continue
        days = 5 if fate == "supervised" else 10 if major else 5
        mode = RectificationMode.HALT if fate == "supervised" else RectificationMode.DEADLINE
        due = cal.add(start, days, LimitKind.WORKING_DAYS)
        ids = [h.pk for h in group]
        person = enterprise.principal or enterprise.safety_officer or "企业负责人"
        params = {"mode": mode, "working_days": days, "responsible_person": person,
                  "measures": "；".join(h.description[:40] for h in group), "funds": "5000" if not major else "30000",
                  "time_limit": f"{days}个工作日内", "emergency_plan": "整改期间落实专人值守，发现险情立即停用并报告"}
        plan.at(start, lambda t, ids=ids, params=params: issue_notice(actor=hq, hazards=ids, params=params, now=t))
        plan.at(start + dt.timedelta(minutes=20), lambda t, pk=ids[0], name=params["responsible_person"], e=enterprise: serve_notice(
            Hazard.objects.get(pk=pk).notice_id, actor=hq, photos=[_photo(e, t)], served_to=name, now=t))
        for hazard in group:
            if hazard.level == HazardLevel.MAJOR:
                plan.at(start + 2 * HOUR, lambda t, pk=hazard.pk: apply_hazard_action(pk, actor=hq, action="plan", params=PLAN, now=t))

        def submit(t, ids=ids, enterprise=enterprise, recorder=recorder):
            for pk in ids:
                apply_hazard_action(pk, actor=recorder, action="submit", params={"note": "已按通知书整改完毕，申请复查销号"},
                                    photos=[_photo(enterprise, t)], now=t)

        def recheck(t, ids=ids, passed=True, reason="现场复查合格", partner=partner):
            for pk in ids:
                hazard = Hazard.objects.get(pk=pk)
                if hazard.level == HazardLevel.MAJOR:
                    # Two reviewers, neither of them the hazard's reporter.
                    pool = [partner.pk, street.pk, *safety.values_list("pk", flat=True)]
                    reviewers = list(dict.fromkeys(pk for pk in pool if pk != hazard.reporter_id))[:2]
                else:
                    reviewers = [partner.pk]
                apply_hazard_action(pk, actor=street, action="start_recheck", params={"reviewers": reviewers}, now=t)
                reviewer = street if street.pk in reviewers else User.objects.get(pk=reviewers[0])
                apply_hazard_action(pk, actor=reviewer, action="pass_recheck" if passed else "fail_recheck",
                                    params={"reason": reason}, now=t + HOUR)

        on_time = start + (due - start) * 0.5
        if fate == "on_time":
            plan.at(on_time, submit)
            plan.at(on_time + DAY, recheck)
        elif fate in ("late", "red"):
            late = _at_ten(cal, due, 1 if fate == "late" else 6)
            plan.at(late, submit)
            plan.at(late + DAY, recheck)
        elif fate == "failed":
            plan.at(on_time, submit)
            plan.at(on_time + DAY, lambda t, ids=ids, recheck=recheck: recheck(t, ids, passed=False, reason="复查发现整改不到位"))
            again = max(on_time + 3 * DAY, _at_ten(cal, due, 0) - 2 * DAY)
            plan.at(again, submit)
            plan.at(again + DAY, recheck)
        elif fate == "referred":
            departments = [d for d in enterprise.responsible_departments.all() if d.kind != DepartmentKind.SAFETY]
            if departments:
                plan.at(start + 3 * HOUR, lambda t, pk=ids[0], d=departments[0].pk: apply_hazard_action(
                    pk, actor=hq, action="refer", now=t,
                    params={"department": d, "reason": "涉及行政处罚，超出街道职权，移送主管部门"}))
                plan.at(start + 3 * DAY, lambda t, pk=ids[0]: apply_hazard_action(
                    pk, actor=street, action="referral_feedback", now=t,
                    params={"feedback": "已立案调查，责令限期改正", "penalty_ref": "立案2026-017"}))
            plan.at(on_time, submit)
            plan.at(on_time + DAY, recheck)
        elif fate == "false_evidence":
            plan.at(on_time, submit)
            plan.at(on_time + DAY, lambda t, ids=ids, recheck=recheck: recheck(
                t, ids, passed=False, reason="现场与照片不符，照片系他处拍摄"))
            # a refusal is recorded on a major hazard (the `refuse` action's rule); a general one gets the note
            plan.at(on_time + DAY + 2 * HOUR, lambda t, pk=ids[0]: apply_hazard_action(
                pk, actor=hq, now=t, **({"action": "refuse", "params": {"ground": "false_evidence", "evidence": FALSE}}
                                        if Hazard.objects.filter(pk=pk, level=HazardLevel.MAJOR).exists()
                                        else {"action": "comment", "params": {"note": FALSE}})))
        elif fate == "supervised":
            ask = _at_ten(cal, due, 1)
            plan.at(ask, lambda t, pk=ids[0], recorder=recorder: apply_hazard_action(
                pk, actor=recorder, action="request_extension", params={"working_days": 3, "reason": "整改设备未到货，申请延期"}, now=t))
            plan.at(ask + HOUR, lambda t, pk=ids[0]: apply_hazard_action(
                pk, actor=hq, action="decide_extension", params={"approve": True, "note": "同意延期一次，逾期将挂牌督办"}, now=t))
    # the ladder's sweep, every evening after the working day ended, and once now
    day = timezone.localtime(min(row[0] for row in plan.rows)).replace(hour=18, minute=0, second=0, microsecond=0) if plan.rows else now
    while day < now:
        plan.at(day, lambda t: escalate_overdue_hazards(now=t))
        day += DAY
    plan.run()
    escalate_overdue_hazards(now=now)
    return {"notices": RectificationNotice.objects.count(), "closed": Hazard.objects.filter(status=HazardStatus.CLOSED).count(),
            "supervised": Hazard.objects.filter(supervised_at__isnull=False).count(),
            "red cards": Hazard.objects.filter(Q(escalation=3) | Q(letters__isnull=False)).distinct().count()}


__all__ = ["seed_rectification"]
