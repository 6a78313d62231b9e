"""The demo's third-party safety service: three fictional firms, contracts a little over ¥1
million in total, a service plan for each of ~255 enterprises, and the last quarter of visits with
their realistic flaws (a few too short, a few too far away, two without a position), findings
(some major, one reported late, one never), reviewed reports and surveys, and a spot check that
finds the major hazard one firm missed. Everything goes through the services. Idempotent: a
second run finds the first firm and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from typing import TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from contractors.choices import VisitStatus
from contractors.models import ServiceFirm, Visit
from contractors.services import contracts, findings, firms, plans, spotchecks, visits
from grids.choices import DepartmentKind, Role
from grids.models import User
from inspections.choices import HazardLevel, TargetKind
from inspections.creditcode import fictional_code
from inspections.demo_rectification import _photo
from inspections.models import Enterprise
from inspections.services import apply_hazard_action, record_hazard

FIRMS = [
    ("青岛安泰安全技术服务有限公司", "contractor1", "周明", Decimal("368000.00")),
    ("青岛海晟安全生产技术咨询有限公司", "contractor2", "孙丽", Decimal("342500.00")),
    ("山东鲁安应急管理服务有限公司", "contractor3", "马强", Decimal("315800.00")),
]
DEMO_LOGINS = [login for _name, login, _person, _amount in FIRMS]
ENTERPRISES = 255
QUARTER_DAYS = 91
MINUTE = dt.timedelta(minutes=1)
PDF = b"%PDF-1.4\n% demo visit report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _report(n: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"visit-report-{n}.pdf", PDF, content_type="application/pdf")


def _signature() -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 24), (250, 250, 250)).save(out, format="PNG")
    return SimpleUploadedFile("signature.png", out.getvalue(), content_type="image/png")


def _logins() -> dict[str, User]:
    password = make_password(settings.DEMO_PASSWORD)
    users = {}
    for _name, login, person, _amount in FIRMS:
        users[login], _created = User.objects.get_or_create(
            username=login, defaults={"role": Role.CONTRACTOR, "password": password, "first_name": person[1:],
                                      "last_name": person[0]})
    return users


@transaction.atomic
def seed_contractors(*, stdout: TextIO | None = None) -> dict[str, int]:
    if ServiceFirm.objects.filter(credit_code=fictional_code(91_000_001)).exists():
        return {}
    street = User.objects.filter(role=Role.STREET, is_active=True).order_by("pk").first()
    safety = (User.objects.filter(role=Role.DEPARTMENT, department__kind=DepartmentKind.SAFETY, zone__isnull=True, is_active=True)
              .order_by("pk").first())
    enterprises = list(Enterprise.objects.filter(latitude__isnull=False).order_by("pk")[:ENTERPRISES])
    if street is None or safety is None or len(enterprises) < 30:
        return {}
    rng = random.Random(13)
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate(now)
    starts = today - dt.timedelta(days=QUARTER_DAYS)
    users = _logins()
    counts = {"firms": 0, "contracts": 0, "plans": 0, "visits done": 0, "hazards found": 0, "spot checks": 0}
    contract_rows = []
    for index, (name, login, person, amount) in enumerate(FIRMS):
        firm = firms.register_firm(
            actor=street, name=name, credit_code=fictional_code(91_000_001 + index), address=f"青岛市黄岛区长江中路{200 + index}号",
            qualifications=[{"certificate": "安全生产技术服务机构备案", "number": f"LA-2025-{index + 17:03d}", "level": "乙级",
                             "valid_until": today + dt.timedelta(days=700)}],
            contacts=[{"name": person, "title": "项目负责人", "phone": f"1380532{index:04d}"}])
        staff = firms.add_staff(actor=street, firm=firm, name=person, certificate_no=f"ZA{2021000 + index}", title="注册安全工程师",
                                user=users[login])
        for extra in range(2):
            firms.add_staff(actor=street, firm=firm, name=f"技术员{index + 1}-{extra + 1}",
                            certificate_no=f"ZA{2022100 + 10 * index + extra}", title="安全评价师")
        for back in (1, 2, 3):
            month = (today.replace(day=1) - dt.timedelta(days=28 * back)).replace(day=1)
            firms.record_pension_proof(actor=street, staff=staff, month=month)
        share = enterprises[index::3]
        scope = {e.pk: 6 if e.target_kind == TargetKind.KEY else 4 for e in share}
        contract = contracts.create_contract(
            actor=street, firm=firm, number=f"XHJD-AQFW-{today.year}-{index + 1:02d}", title=f"{name[2:6]}安全生产技术服务（托管）",
            amount=amount, starts_on=starts, ends_on=starts + dt.timedelta(days=364), scope=scope,
            deliverables="每次服务出具检查报告（附照片）、隐患清单、整改指导与复查记录；重大隐患2小时内报告；季度总结。",
            milestones=[{"title": "首付款（签订后）", "amount": amount * Decimal("0.3"), "due_on": starts + dt.timedelta(days=15),
                         "condition": "合同签订、服务方案备案"},
                        {"title": "中期款", "amount": amount * Decimal("0.4"), "due_on": starts + dt.timedelta(days=182),
                         "condition": "半年考核合格"},
                        {"title": "尾款", "amount": amount * Decimal("0.3"), "due_on": starts + dt.timedelta(days=364),
                         "condition": "年度考核，按得分扣减"}])
        contracts.pay_milestone(contract.milestones.order_by("due_on").first().pk, actor=street,
                                now=now - dt.timedelta(days=QUARTER_DAYS - 15))
        for e in share:
            plans.create_plan(actor=users[login], contract=contract, enterprise=e, now=now - dt.timedelta(days=QUARTER_DAYS),
                              risks="燃气使用、电气线路、消防通道", training="年度全员安全培训一次", targets="一般隐患整改率≥95%")
        counts["firms"] += 1
        counts["contracts"] += 1
        counts["plans"] += len(share)
        contract_rows.append((contract, users[login]))
    for number, (contract, user) in enumerate(contract_rows):
        _run_visits(contract, user, safety, rng, now, counts, sloppy=number == 1)
    _spot_check(contract_rows[1][0], street, safety, now, counts)
    findings.sweep_late_reports(now=now)
    if stdout is not None:
        stdout.write(f"  contracts: ¥{sum(a for *_x, a in FIRMS):,.2f} in total")
    return counts


def _run_visits(contract, user, safety, rng: random.Random, now, counts, *, sloppy: bool) -> None:
    due = list(Visit.objects.filter(contract=contract, status=VisitStatus.PLANNED, planned_on__lt=timezone.localdate(now))
               .select_related("enterprise").order_by("planned_on", "pk"))
    tz = timezone.get_current_timezone()
    for n, visit in enumerate(due):
        if rng.random() < 0.06:
            continue  # missed altogether: on-time execution counts it
        e = visit.enterprise
        late = rng.random() < 0.12
        day = visit.planned_on + dt.timedelta(days=rng.randint(8, 14) if late else rng.randint(0, 3))
        start = dt.datetime.combine(day, dt.time(9 + n % 6, 10 * (n % 5)), tzinfo=tz)
        if start + dt.timedelta(hours=4) > now:
            continue
        lat, lng = e.latitude + rng.uniform(-0.0003, 0.0003), e.longitude + rng.uniform(-0.0003, 0.0003)
        minutes = rng.randint(40, 110)
        if n % 37 == 5 or (sloppy and n % 23 == 3):
            minutes = rng.randint(8, 18)  # too short
        if n % 41 == 7 or (sloppy and n % 29 == 11):
            lat, lng = e.latitude + 0.009, e.longitude + 0.006  # about 1 km away
        position = {} if n % 97 == 13 else {"latitude": f"{lat:.6f}", "longitude": f"{lng:.6f}"}
        visits.apply_visit_action(visit.pk, actor=user, action="start", params=position, now=start)
        if rng.random() < 0.22:
            major = n % 19 == 4
            found_at = start + 15 * MINUTE
            finding = findings.record_finding(
                visit.pk, actor=user, now=found_at, major=major,
                description=("液化石油气钢瓶存放于地下室，未设置可燃气体报警装置" if major else
                             rng.choice(["灭火器压力不足", "安全出口堆放杂物", "配电箱未上锁、线路老化", "员工未佩戴劳动防护用品"])))
            counts["hazards found"] += 1
            hazard = finding.hazard
            if major:
                if n % 3 != 2:
                    findings.report_major(finding.pk, actor=user, now=found_at + (MINUTE * (190 if n % 3 == 1 else 40)))
                apply_hazard_action(hazard.pk, actor=safety, action="confirm",
                                    params={"level": HazardLevel.MAJOR, "major_reason": "地下室存放液化石油气钢瓶"},
                                    now=found_at + dt.timedelta(hours=5))
            elif rng.random() < 0.85:
                confirmed = found_at + dt.timedelta(hours=3)
                apply_hazard_action(hazard.pk, actor=safety, action="confirm", params={"level": HazardLevel.GENERAL},
                                    now=confirmed)
                if rng.random() < 0.7 and confirmed + dt.timedelta(days=2) < now:
                    closed = confirmed + dt.timedelta(days=rng.randint(1, 6))
                    if closed < now:
                        apply_hazard_action(hazard.pk, actor=safety, action="close_on_spot", params={"note": "复查已整改"},
                                            photos=[_photo(e, closed)], now=closed)
            else:
                apply_hazard_action(hazard.pk, actor=safety, action="void", params={"reason": "误报：经核实符合要求"},
                                    now=found_at + dt.timedelta(hours=4))
        end = start + minutes * MINUTE
        visits.apply_visit_action(visit.pk, actor=user, action="finish", now=end, params={
            "guidance": "现场讲解燃气安全、消防器材使用；督促建立隐患自查台账。", "signed_by": "企业安全员",
            "survey_score": rng.choice([5, 5, 4, 4, 4, 3] if not sloppy else [4, 4, 3, 3, 2, 5])},
            signature=_signature() if n % 10 == 0 else None)
        counts["visits done"] += 1
        if rng.random() < 0.7:
            visits.upload_report(visit.pk, actor=user, report=_report(visit.pk), now=end + dt.timedelta(hours=20))
            if rng.random() < 0.8:
                result = "failed" if rng.random() < (0.25 if sloppy else 0.08) else "passed"
                visits.apply_visit_action(visit.pk, actor=safety, action="review", params={"result": result},
                                          now=end + dt.timedelta(days=2))


def _spot_check(contract, street, safety, now, counts) -> None:
    """Five enterprises of the sloppy firm re-inspected; at the first, a major hazard it missed."""
    try:
        drawn = spotchecks.draw_sample(actor=street, contract=contract.pk, size=5, seed=2026, now=now - dt.timedelta(days=2))
    except Exception:  # noqa: BLE001 (no visit in the window: the demo has no spot check)
        return
    counts["spot checks"] += len(drawn)
    for n, check in enumerate(drawn):
        checked = now - dt.timedelta(days=1) + n * MINUTE
        hazards = []
        if n == 0:
            missed = record_hazard(actor=safety, enterprise=check.enterprise_id, now=checked - 30 * MINUTE,
                                   description="抽查发现：喷涂作业间未设置防爆电气，粉尘涉爆场所违规动火（服务机构走访未发现）")
            apply_hazard_action(missed.pk, actor=safety, action="confirm",
                                params={"level": HazardLevel.MAJOR, "major_reason": "粉尘涉爆场所违规动火"}, now=checked - 20 * MINUTE)
            hazards = [missed.pk]
        spotchecks.record_spot_check(check.pk, actor=safety, hazards=hazards, note="街道安监办随机抽查复核", now=checked)
