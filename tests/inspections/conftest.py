"""The registry's fixtures over the shared `world`: one enterprise per cell, and an Excel builder."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from inspections import services
from inspections.creditcode import fictional_code
from inspections.services.sheets import COLUMNS

# The centre of each world cell (tests/conftest.py: squares of 0.005° from these corners).
POINTS = {"a1x": (36.0025, 120.0025), "a1y": (36.0025, 120.0075), "a2x": (36.0025, 120.0225), "b1x": (36.0025, 120.0425)}


def enterprise_data(n: int, cell: str = "a1x", **extra) -> dict:
    lat, lng = POINTS[cell]
    return {
        "credit_code": fictional_code(n), "name": f"示例企业{n}", "address": f"示例路{n}号", "latitude": lat, "longitude": lng,
        "sectors": ["commercial"], "safety_officer": "王安全", "safety_officer_phone": "13800138000", **extra,
    }


@pytest.fixture
def library(db):
    services.seed_library()


@pytest.fixture
def enterprises(world):
    """a1x: urban responsible; a1y: police; a2x: none; b1x: urban and police."""
    street = world.users.street
    depts = {"a1x": [world.urban], "a1y": [world.police], "a2x": [], "b1x": [world.urban, world.police]}
    made = {}
    for n, cell in enumerate(["a1x", "a1y", "a2x", "b1x"], start=1):
        made[cell] = services.register_enterprise(
            actor=street, **enterprise_data(n, cell, responsible_departments=[d.pk for d in depts[cell]]))
    return made


def workbook(rows: list[dict]) -> io.BytesIO:
    """An .xlsx in the template's columns; each row a {header: value} dict."""
    book = Workbook()
    sheet = book.active
    headers = [header for header, _name, _vocab in COLUMNS]
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "enterprises.xlsx"
    return buffer


def sheet_row(n: int, cell: str = "a1x", **extra) -> dict:
    lat, lng = POINTS[cell]
    return {"统一社会信用代码": fictional_code(n), "名称": f"导入企业{n}", "地址": f"导入路{n}号", "纬度": lat, "经度": lng,
            "行业类别": "餐饮(瓶装燃气)、商贸", "风险特征": "燃气使用", "风险等级": "黄", "监管类型": "重点", "从业人数": 12,
            "责任部门": "城管中队", **extra}


# --- inspections and hazards (part B) ---------------------------------------------------------------

@pytest.fixture
def checklist(db):
    """A template whose current version has a major-clause item, a general-clause item and a number item."""
    import datetime as dt

    from inspections.models import ChecklistTemplate, Clause, Standard

    standard = Standard.objects.create(name="工贸企业重大事故隐患判定标准", number="应急管理部令第10号")
    major = Clause.objects.create(standard=standard, number="燃气-1", summary="未安装可燃气体报警装置", is_major=True,
                                  valid_from=dt.date(2023, 5, 15))
    general = Clause.objects.create(standard=standard, number="一般-1", summary="灭火器过期", is_major=False,
                                    valid_from=dt.date(2023, 5, 15))
    template = ChecklistTemplate.objects.create(code="test-gas", name="燃气检查表")
    version = services.add_version(template, items=[
        {"code": "G1", "text": "安装可燃气体报警装置", "clause": major, "rectification_days": 3},
        {"code": "G2", "text": "灭火器在有效期内", "clause": general, "rectification_days": 10},
        {"code": "G3", "text": "软管长度", "answer_type": "number", "threshold": 2, "comparison": "lte", "unit": "m"},
    ])
    return SimpleNamespace(template=template, version=version, major=major, general=general,
                           items={item.code: item for item in version.items.all()})


def inspection_body(enterprise, checklist, world, *, key=None, kind="government", answers=None, **extra) -> dict:
    import uuid

    items = checklist.items
    return {
        "client_key": str(key or uuid.uuid4()), "enterprise": enterprise.pk, "kind": kind, "version": checklist.version.pk,
        "inspectors": [{"user": world.users.safety.pk, "certificate_no": "37020001"},
                       {"user": world.users.safety_a.pk, "certificate_no": "37020002"}],
        "answers": answers if answers is not None else [
            {"item": items["G1"].pk, "answer": "no", "note": "厨房无报警器"},
            {"item": items["G2"].pk, "answer": "no"},
            {"item": items["G3"].pk, "value": "1.5"},
        ],
        "latitude": enterprise.latitude, "longitude": enterprise.longitude, **extra,
    }


@pytest.fixture
def make_inspection(world, checklist):
    def make(enterprise, *, actor=None, **extra):
        inspection, _created = services.save_inspection(
            actor=actor or world.users.safety, **inspection_body(enterprise, checklist, world, **extra))
        return inspection

    return make


@pytest.fixture
def make_hazard(world, checklist, make_inspection):
    """A hazard raised from the failed major item of a new inspection of `enterprise`, in `status`."""
    def make(enterprise, status="recorded"):
        inspection = make_inspection(enterprise)
        answer = inspection.answers.get(item__code="G1")
        hazard = services.hazard_from_answer(answer, actor=world.users.safety)
        if status == "confirmed":
            services.apply_hazard_action(hazard.pk, actor=world.users.street, action="confirm", params={})
        elif status == "void":
            services.apply_hazard_action(hazard.pk, actor=world.users.street, action="void", params={"reason": "误报"})
        hazard.refresh_from_db()
        return hazard

    return make

from tests.inspections.campaign_fixtures import campaigns  # noqa: E402, F401  (the campaign fixtures, for every inspections test)

# --- the rectification loop (issue 12) ----------------------------------------------------------------
from tests.inspections.rectification_fixtures import drive  # noqa: E402, F401
