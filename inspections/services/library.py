"""Seeding the criteria library and the sector checklists (idempotent; the demo and tests call it)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from inspections.library_data import CHECKLISTS, CLAUSES, STANDARDS
from inspections.models import ChecklistTemplate, Clause, Standard
from inspections.services.checklists import add_version


@transaction.atomic
def seed_library(**_ignored) -> dict[str, int]:
    created = {"standards": 0, "clauses": 0, "checklists": 0}
    standards = {}
    for number, name, issued, in_force in STANDARDS:
        standards[number], new = Standard.objects.get_or_create(
            number=number, defaults={"name": name, "issued_on": issued, "in_force_from": in_force})
        created["standards"] += new
    for std, number, summary, sectors, flags, major in CLAUSES:
        _clause, new = Clause.objects.get_or_create(
            standard=standards[std], number=number, is_current=True,
            defaults={"summary": summary, "sectors": sectors, "flags": flags, "is_major": major,
                      "valid_from": standards[std].in_force_from},
        )
        created["clauses"] += new
    for code, (name, sector, flag, source, items) in CHECKLISTS.items():
        template, new = ChecklistTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "sector": sector, "flag": flag, "source": source})
        if not new:
            continue
        add_version(template, items=[_item(row, standards) for row in items], note="初始版本")
        created["checklists"] += 1
    return created


def _item(row, standards) -> dict:
    code, text, answer_type, threshold, comparison, unit, photo, clause, days = row
    return {
        "code": code, "text": text, "answer_type": answer_type, "comparison": comparison, "unit": unit,
        "threshold": Decimal(threshold) if threshold else None, "photo_required": photo, "rectification_days": days,
        "clause": Clause.objects.get(standard=standards[clause[0]], number=clause[1], is_current=True) if clause else None,
    }
