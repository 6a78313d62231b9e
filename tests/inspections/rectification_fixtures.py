"""Fixtures of the rectification tests: photos with EXIF GPS and time, a notice's body, and a
hazard driven through the loop's services to any state."""

from __future__ import annotations

import base64
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections import services
from inspections.models import Hazard
from tests.inspections.conftest import POINTS

A1X = POINTS["a1x"]
NOTICE = {"mode": "deadline", "working_days": 5, "responsible_person": "张经理", "measures": "安装可燃气体报警装置",
          "funds": "12000.50", "time_limit": "5个工作日内", "emergency_plan": "关闭阀门，疏散人员"}
PLAN = {"goals": "消除燃气泄漏隐患", "methods": "安装报警与切断装置", "funds_materials": "企业自筹2万元", "organisation": "企业主要负责人",
        "time_requirements": "15个工作日", "safety_measures": "停用燃气，备灭火器", "evaluation_report": "专家评估合格",
        "evaluated_by": "区安全评价中心"}


def _dms(value: float) -> tuple:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return (float(degrees), float(minutes), round(((value - degrees) * 60 - minutes) * 60, 4))


def gps_jpeg(point=A1X, taken: dt.datetime | None = None, name="after.jpg") -> SimpleUploadedFile:
    """A JPEG whose EXIF says where (`point`, or none) and when (`taken`, local time) it was taken."""
    exif = Image.Exif()
    if point is not None:
        exif[0x8825] = {1: "N", 2: _dms(point[0]), 3: "E", 4: _dms(point[1])}
    if taken is not None:
        exif[0x8769] = {0x9003: timezone.localtime(taken).strftime("%Y:%m:%d %H:%M:%S")}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 60)).save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def signature_url() -> str:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), (255, 255, 255)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def drive(world, enterprises, make_hazard):
    """drive(status, hazard=None) → a major hazard at a1x (reported by `safety`) taken to `status`
    through the services; `general=True` makes it general."""
    users = world.users

    def to(status: str, *, general: bool = False, notice=None, plan: bool = True, now=None):
        now = now or timezone.now()
        hazard = make_hazard(enterprises["a1x"], "recorded")
        if status == "recorded":
            return hazard
        params = {"level": "general"} if general else {}
        services.apply_hazard_action(hazard.pk, actor=users.street, action="confirm", params=params)
        if status == "void":
            services.apply_hazard_action(hazard.pk, actor=users.street, action="void", params={"reason": "误报"})
        if status in ("confirmed", "void"):
            return Hazard.objects.get(pk=hazard.pk)
        services.issue_notice(actor=users.safety, hazards=[hazard.pk], params={**NOTICE, **(notice or {})}, now=now)
        if status == "notified":
            return Hazard.objects.get(pk=hazard.pk)
        services.serve_notice(Hazard.objects.get(pk=hazard.pk).notice_id, actor=users.safety, signature=signature_url(),
                              served_to="张经理", now=now)
        if plan and not general:
            services.apply_hazard_action(hazard.pk, actor=users.safety, action="plan", params=PLAN, now=now)
        if status == "rectifying":
            return Hazard.objects.get(pk=hazard.pk)
        later = now + dt.timedelta(hours=1)
        services.apply_hazard_action(hazard.pk, actor=users.worker, action="submit", params={"note": "已整改"},
                                     photos=[gps_jpeg(taken=later)], now=later)
        if status == "submitted":
            return Hazard.objects.get(pk=hazard.pk)
        services.apply_hazard_action(hazard.pk, actor=users.safety_a, action="start_recheck",
                                     params={"reviewers": [users.safety_a.pk, users.street.pk]}, now=later)
        if status == "rechecking":
            return Hazard.objects.get(pk=hazard.pk)
        services.apply_hazard_action(hazard.pk, actor=users.safety_a, action="pass_recheck", params={"reason": "合格"},
                                     now=later)
        assert status == "closed"
        return Hazard.objects.get(pk=hazard.pk)

    return SimpleNamespace(to=to, users=users)
