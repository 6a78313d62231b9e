"""The demo's inspections and hazards: a few per zone, through the services (save_inspection,
hazard_from_answer, apply_hazard_action), like the case demo. Deterministic and idempotent: each
inspection's client_key is derived from its place in the demo, so a second run finds them all.
The campaigns (and their ~600 hazards) come with the campaign part.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from PIL import Image

from grids.choices import DepartmentKind, Role
from grids.models import User, Zone
from inspections.choices import Answer, AnswerType, HazardStatus, InspectionKind
from inspections.models import ChecklistTemplate, Enterprise, Hazard, Inspection
from inspections.services import apply_hazard_action, current_version, hazard_from_answer, save_inspection

PER_ZONE = 4  # three by the safety office, one grid patrol
FAIL_RATE = 0.2
NAMESPACE = uuid.UUID("6f1c2a4e-3b9d-4c55-9a8e-1d2b3c4d5e6f")


def _template_for(enterprise: Enterprise, templates: dict) -> ChecklistTemplate:
    for code in enterprise.sector_codes:
        for template in templates.values():
            if template.sector == code:
                return template
    return templates.get("general") or next(iter(templates.values()))


def demo_photo(label: str) -> io.BytesIO:
    """A small stand-in site photo (the service re-encodes it like any upload)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (150 + sum(map(ord, label)) % 80, 140, 120)).save(buffer, format="JPEG", quality=60)
    buffer.seek(0)
    buffer.name = f"{label}.jpg"
    return buffer


def demo_answers(version, rng: random.Random, fail_rate: float = FAIL_RATE) -> tuple[list[dict], dict]:
    """Answers to every item (a share failed) and a photo for each failed item that requires one."""
    rows, photos = [], {}
    for item in version.items.all():
        fail = rng.random() < fail_rate
        if fail and item.photo_required:
            photos[item.pk] = [demo_photo(item.code)]
        if item.answer_type == AnswerType.NUMBER:
            limit = float(item.threshold)
            value = limit * (1.5 if item.comparison in ("lte", "lt") else 0.5) if fail else limit * (0.8 if item.comparison in (
                "lte", "lt") else 1.2)
            rows.append({"item": item.pk, "value": round(value, 2)})
        else:
            rows.append({"item": item.pk, "answer": Answer.NO if fail else Answer.YES,
                         "note": "现场检查发现" if fail else ""})
    return rows, photos


@transaction.atomic
def seed_fieldwork(*, stdout: TextIO | None = None) -> dict[str, int]:
    templates = {t.code: t for t in ChecklistTemplate.objects.all()}
    safety = User.objects.filter(role=Role.DEPARTMENT, department__kind=DepartmentKind.SAFETY, is_active=True)
    hq = safety.filter(zone__isnull=True).order_by("pk").first()
    if not templates or hq is None:
        return {"inspections": 0, "hazards": 0}
    street = User.objects.filter(role=Role.STREET, is_active=True).order_by("pk").first() or hq
    before = (Inspection.objects.count(), Hazard.objects.count())
    rng = random.Random(23)
    today = timezone.localdate()
    for zone in Zone.objects.order_by("number"):
        partner = safety.filter(zone=zone).order_by("pk").first()
        enterprises = list(Enterprise.objects.filter(zone=zone, status="active").prefetch_related("sector_rows")
                           .order_by("pk")[:PER_ZONE])
        for n, enterprise in enumerate(enterprises):
            template = _template_for(enterprise, templates)
            version = current_version(template)
            patrol = n == PER_ZONE - 1
            worker = enterprise.grid_cell.workers.filter(is_active=True).order_by("pk").first() if patrol else None
            actor = worker or hq
            started = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=7 + 9 * n + zone.number),
                                                              dt.time(9, 30)))
            inspectors = [] if worker else [{"user": hq.pk, "certificate_no": f"3702{hq.pk:06d}"}] + (
                [{"user": partner.pk, "certificate_no": f"3702{partner.pk:06d}"}] if partner else [])
            kind = InspectionKind.PATROL if worker else InspectionKind.GOVERNMENT if partner else InspectionKind.SERVICE
            answers, photos = demo_answers(version, rng)
            inspection, _created = save_inspection(
                actor=actor, client_key=uuid.uuid5(NAMESPACE, f"demo-{zone.number}-{n}"), enterprise=enterprise.pk,
                kind=kind, version=version.pk, started_at=started, ended_at=started + dt.timedelta(minutes=50),
                inspectors=inspectors, answers=answers, photos=photos, latitude=enterprise.latitude,
                longitude=enterprise.longitude, summary="例行检查，已向企业负责人反馈。", submit=True,
                experts=[{"name": "孙志远", "qualification": "注册安全工程师", "organisation": "青岛安科技术服务有限公司"}]
                if kind == InspectionKind.GOVERNMENT else [],
            )
            for answer in inspection.answers.filter(passed=False).order_by("pk"):
                hazard = hazard_from_answer(answer, actor=actor, now=started + dt.timedelta(hours=1))
                if hazard.status == HazardStatus.RECORDED and not patrol:
                    apply_hazard_action(hazard.pk, actor=hq, action="confirm", params={"note": "经核实，予以定级。"},
                                        now=started + dt.timedelta(hours=2))
                elif hazard.status == HazardStatus.RECORDED and rng.random() < 0.3:
                    apply_hazard_action(hazard.pk, actor=street, action="void", params={"reason": "复核为误报"},
                                        now=started + dt.timedelta(hours=3))
    return {"inspections": Inspection.objects.count() - before[0], "hazards": Hazard.objects.count() - before[1]}


__all__ = ["seed_fieldwork"]
