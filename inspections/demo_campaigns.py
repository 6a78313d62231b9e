"""The demo's campaigns (专项排查): 22 over the last six months — gas and fuel pipelines,
public-security hazards, key production hazards, seasonal checks — each led by a leader with
hired experts, its enterprises frozen at the start, inspected by the leader (with the safety
office) or by an expert, the failed items raised as hazards and most of them classified by the
safety office. Together with the fieldwork demo it makes some 600 hazards, about 5 % major.

Everything goes through the services (create_campaign, start_campaign, save_inspection with its
photos, hazard_from_answer, apply_hazard_action, move_campaign). All or nothing: when the first
demo campaign exists the step does nothing. Deterministic for a given day.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from grids.choices import DepartmentKind, Role
from grids.models import Department, User, Zone
from inspections.choices import (
    AnswerType,
    CampaignAction,
    CampaignPhase,
    CampaignTheme,
    EnterpriseStatus,
    HazardLevel,
    HazardStatus,
    InspectionKind,
)
from inspections.demo_fieldwork import _template_for, demo_photo
from inspections.models import Campaign, CampaignTarget, ChecklistTemplate, Enterprise, Hazard, Inspection
from inspections.services import apply_hazard_action, current_version, hazard_from_answer, save_inspection
from inspections.services.campaigns import create_campaign, move_campaign, start_campaign

NAMESPACE = uuid.UUID("0b5e3c8e-4a77-4f0e-9d2a-6c1f5e2b7a90")
DAYS = 180
# Item failure rates: a clause-major item rarely fails (that is what makes 5 % major), others often.
FAIL_MAJOR, FAIL_OTHER = 0.045, 0.25
COVERAGE = 0.55  # share of a finished campaign's targets inspected
EXPERTS = [
    ("孙志远", "注册安全工程师", "青岛安科技术服务有限公司", "expert1"),
    ("刘慧敏", "高级工程师（燃气）", "黄河新区燃气协会", "expert2"),
    ("钱国栋", "注册消防工程师", "山东正安消防技术服务有限公司", "expert3"),
    ("周建华", "高级工程师（化工）", "青岛化工安全研究院", None),
    ("吴立新", "注册安全工程师", "黄河新区应急管理专家库", None),
]
GAS = (["catering_bottled", "catering_piped"], ["gas_user"])
PUBLIC = (["nine_small", "commercial", "fireworks_retail"], [])
PRODUCTION = (["machinery", "light_industry", "trade", "building_materials", "chem_trade", "warehouse"],
              ["dust", "ammonia", "confined_space", "major_hazard"])
SCHOOLS = (["school", "kindergarten"], [])
CONSTRUCTION = (["construction", "warehouse"], [])
# (title, theme, (sectors, flags), zone number or None for the whole sub-district, days long)
PLAN = [
    ("燃气管线安全专项排查", CampaignTheme.GAS_FUEL, GAS, None, 28),
    ("节前治安隐患专项排查", CampaignTheme.PUBLIC_SECURITY, PUBLIC, 1, 14),
    ("重点生产企业重大事故隐患专项排查", CampaignTheme.KEY_PRODUCTION, PRODUCTION, None, 35),
    ("瓶装液化气使用场所专项整治", CampaignTheme.GAS_FUEL, GAS, 2, 21),
    ("春季开学校园安全专项检查", CampaignTheme.SEASONAL, SCHOOLS, None, 14),
    ("九小场所消防安全专项排查", CampaignTheme.PUBLIC_SECURITY, PUBLIC, 3, 21),
    ("有限空间作业专项排查", CampaignTheme.KEY_PRODUCTION, PRODUCTION, 1, 21),
    ("燃油储存与加注点专项检查", CampaignTheme.GAS_FUEL, (["chem_trade", "warehouse"], ["major_hazard"]), None, 14),
    ("汛期建筑工地安全专项检查", CampaignTheme.SEASONAL, CONSTRUCTION, None, 21),
    ("餐饮场所燃气报警装置专项排查", CampaignTheme.GAS_FUEL, GAS, 1, 21),
    ("粉尘涉爆与涉氨制冷专项排查", CampaignTheme.KEY_PRODUCTION, (["light_industry", "trade"], ["dust", "ammonia"]), None, 21),
    ("高温季节仓储物流专项检查", CampaignTheme.SEASONAL, (["warehouse"], []), None, 21),
    ("治安重点场所隐患排查", CampaignTheme.PUBLIC_SECURITY, PUBLIC, 2, 21),
    ("燃气管线第二轮专项排查", CampaignTheme.GAS_FUEL, GAS, 3, 21),
    ("安全生产月重点企业专项检查", CampaignTheme.KEY_PRODUCTION, PRODUCTION, 2, 28),
    ("秋季开学校园及周边专项检查", CampaignTheme.SEASONAL, SCHOOLS, None, 14),
    ("商贸企业电气火灾专项排查", CampaignTheme.CUSTOM, (["commercial", "trade"], []), None, 21),
    ("国庆节前燃气安全专项排查", CampaignTheme.GAS_FUEL, GAS, None, 14),
    ("危险化学品经营单位专项检查", CampaignTheme.KEY_PRODUCTION, (["chem_trade"], ["major_hazard"]), None, 14),
    ("冬季取暖与燃气使用专项检查", CampaignTheme.SEASONAL, GAS, 1, 28),
    ("岁末年初安全生产专项排查", CampaignTheme.KEY_PRODUCTION, PRODUCTION, None, 35),
    ("元旦春节烟花爆竹与治安专项整治", CampaignTheme.PUBLIC_SECURITY, PUBLIC, None, 35),
]


def _expert_accounts() -> dict[str, User]:
    """The hired experts who inspect on their own phones: accounts of the safety office."""
    safety = Department.objects.filter(kind=DepartmentKind.SAFETY).order_by("pk").first()
    names = [u for *_rest, u in EXPERTS if u]
    existing = User.objects.in_bulk(names, field_name="username")
    password = make_password(settings.DEMO_PASSWORD)
    User.objects.bulk_create([
        User(username=username, password=password, role=Role.DEPARTMENT, department=safety, last_name=name[0],
             first_name=name[1:], phone=f"1390532{n:04d}")
        for n, (name, _q, _o, username) in enumerate(EXPERTS) if username and username not in existing])
    return User.objects.in_bulk(names, field_name="username")


def _answers(items: list, rng: random.Random) -> tuple[list[dict], dict]:
    rows, photos = [], {}
    for item in items:
        fail = rng.random() < (FAIL_MAJOR if item.clause_id and item.clause.is_major else FAIL_OTHER)
        if fail and item.photo_required:
            photos[item.pk] = [demo_photo(item.code)]
        if item.answer_type == AnswerType.NUMBER:
            below = item.comparison in ("lte", "lt")
            value = float(item.threshold) * ((1.5 if below else 0.5) if fail else (0.8 if below else 1.2))
            rows.append({"item": item.pk, "value": round(value, 2)})
        else:
            rows.append({"item": item.pk, "answer": "no" if fail else "yes", "note": "现场检查发现" if fail else ""})
    return rows, photos


class _Cast:
    """Who does what in the demo: the street office, the zone leaders, the safety office and its zone teams, the experts."""

    def __init__(self):
        self.street = User.objects.filter(role=Role.STREET, is_active=True).order_by("pk").first()
        safety = User.objects.filter(role=Role.DEPARTMENT, department__kind=DepartmentKind.SAFETY, is_active=True)
        self.safety = safety.filter(zone__isnull=True).exclude(username__startswith="expert").order_by("pk").first()
        self.safety_zone = {u.zone_id: u for u in safety.filter(zone__isnull=False).order_by("-pk")}
        self.leaders = {u.zone_id: u for u in User.objects.filter(role=Role.ZONE_LEADER, is_active=True).order_by("-pk")}
        self.experts = _expert_accounts()

    def partner(self, zone_id: int) -> User:
        return self.safety_zone.get(zone_id) or self.safety


def _certificate(user: User) -> str:
    return f"3702{user.pk:06d}"


def _inspect(campaign: Campaign, target: CampaignTarget, n: int, *, cast: _Cast, templates, versions, items, experts: list,
             rng: random.Random, at: dt.datetime) -> int:
    enterprise = target.enterprise
    version = versions[_template_for(enterprise, templates).pk]
    account = next((e.user for e in experts if e.user_id), None)
    partner = cast.partner(enterprise.zone_id)
    if account is not None and n % 3 == 1:  # the expert on their own phone, with the safety office
        actor, kind = account, InspectionKind.EXPERT
    else:  # the lead official with the safety office
        actor, kind = campaign.lead, InspectionKind.GOVERNMENT
    if actor.pk == partner.pk:
        partner = cast.safety
    answers, photos = _answers(items[version.pk], rng)
    inspection, _created = save_inspection(
        actor=actor, client_key=uuid.uuid5(NAMESPACE, f"{campaign.title}-{enterprise.credit_code}"), enterprise=enterprise.pk,
        kind=kind, version=version.pk, campaign=campaign.pk, started_at=at, ended_at=at + dt.timedelta(minutes=45),
        inspectors=[{"user": actor.pk, "certificate_no": _certificate(actor)},
                    {"user": partner.pk, "certificate_no": _certificate(partner)}],
        experts=[{"name": e.name, "qualification": e.qualification, "organisation": e.organisation} for e in experts[:2]],
        answers=answers, photos=photos, latitude=enterprise.latitude, longitude=enterprise.longitude,
        summary="专项排查，已向企业主要负责人反馈。", submit=True, now=at)
    raised = 0
    for answer in inspection.answers.filter(passed=False).select_related("item__clause").order_by("pk"):
        hazard = hazard_from_answer(answer, actor=actor, now=at + dt.timedelta(hours=1))
        raised += 1
        if hazard.status != HazardStatus.RECORDED or at > timezone.now() - dt.timedelta(days=2):
            continue  # the last days' hazards still wait for the office
        roll = rng.random()
        if roll < 0.05:
            apply_hazard_action(hazard.pk, actor=cast.safety, action="void", params={"reason": "复核为误报"},
                                now=at + dt.timedelta(days=1))
        elif roll < 0.9:
            apply_hazard_action(hazard.pk, actor=cast.safety, action="confirm", now=at + dt.timedelta(days=1), params={
                "level": hazard.proposed_level, "note": "经核实，予以定级。" if hazard.proposed_level == HazardLevel.GENERAL
                else "经专家复核，判定为重大事故隐患。"})
    return raised


def _windows(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Start dates spread over the last DAYS days, oldest first; the last campaign still mobilising."""
    step = DAYS / (len(PLAN) - 1)
    windows = []
    for i, (*_rest, days) in enumerate(PLAN):
        starts = today + dt.timedelta(days=5) if i == len(PLAN) - 1 else today - dt.timedelta(days=round(DAYS - i * step))
        windows.append((starts, starts + dt.timedelta(days=days)))
    return windows


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed_campaigns(*, stdout: TextIO | None = None) -> dict[str, int]:
    # No DEBUG query log while replaying (the demo runs with DEBUG on; logging ~15,000 queries costs time).
    with transaction.atomic(), override_settings(DEBUG=False):
        return _seed(stdout)


def _seed(stdout: TextIO | None) -> dict[str, int]:
    templates = {t.code: t for t in ChecklistTemplate.objects.all()}
    cast = _Cast()
    if not templates or cast.street is None or cast.safety is None or not Enterprise.objects.exists():
        return {}
    if Campaign.objects.filter(title=PLAN[0][0]).exists():
        return {}
    before = (Inspection.objects.count(), Hazard.objects.count())
    versions = {t.pk: current_version(t) for t in templates.values()}
    items = {v.pk: list(v.items.select_related("clause").order_by("position", "code")) for v in versions.values()}
    zones = {z.number: z for z in Zone.objects.all()}
    rng = random.Random(29)
    now = timezone.now()
    today = timezone.localdate()
    made = 0
    for n, ((title, theme, (sectors, flags), zone_no, _days), (starts, ends)) in enumerate(zip(PLAN, _windows(today), strict=True)):
        zone = zones.get(zone_no) if zone_no else None
        lead = cast.leaders.get(zone.pk) if zone else cast.street
        experts = [EXPERTS[(n + k) % len(EXPERTS)] for k in range(2)]
        campaign = create_campaign(
            actor=cast.safety if n % 2 else cast.street, title=title, theme=theme, lead=(lead or cast.street).pk,
            starts_on=starts, ends_on=ends, sectors=sectors, flags=flags, zones=[zone.pk] if zone else [],
            versions=[v.pk for v in versions.values()], description="按照“动员部署—自查自改—精准执法—总结提高”四个阶段推进。",
            experts=[{"name": name, "qualification": q, "organisation": o, "user": cast.experts[u].pk if u else None}
                     for name, q, o, u in experts], now=_local(starts - dt.timedelta(days=3), 9))
        made += 1
        if starts > today:
            continue  # still mobilising
        start_campaign(campaign.pk, actor=cast.safety, now=_local(starts, 9))
        inspect_from = starts + dt.timedelta(days=max(1, (ends - starts).days // 3))
        if inspect_from <= today:
            move_campaign(campaign.pk, actor=cast.safety, action=CampaignAction.INSPECT, now=_local(inspect_from, 9))
        campaign.refresh_from_db()
        experts = list(campaign.experts.select_related("user"))
        targets = list(CampaignTarget.objects.filter(campaign=campaign, enterprise__status=EnterpriseStatus.ACTIVE)
                       .select_related("enterprise").prefetch_related("enterprise__sector_rows").order_by("pk"))
        last_day = min(ends, today)
        span = max(1, (last_day - starts).days)
        share = COVERAGE if ends < today else COVERAGE * span / max(1, (ends - starts).days)
        for k, target in enumerate(targets):
            if rng.random() > share:
                continue
            day = starts + dt.timedelta(days=rng.randint(0, span))
            at = _local(day, 9 + k % 8)
            if at >= now:
                at = now - dt.timedelta(hours=1 + k % 5)
            _inspect(campaign, target, k, cast=cast, templates=templates, versions=versions, items=items, experts=experts, rng=rng,
                     at=at)
        if ends < today - dt.timedelta(days=3) and campaign.phase == CampaignPhase.INSPECTION:
            move_campaign(campaign.pk, actor=cast.safety, action=CampaignAction.REVIEW,
                          params={"note": "专项排查总结：隐患已全部交办整改。"}, now=_local(ends + dt.timedelta(days=2), 16))
    return {"campaigns": made, "inspections": Inspection.objects.count() - before[0],
            "hazards": Hazard.objects.count() - before[1]}


__all__ = ["seed_campaigns"]
