"""The registry's fixtures over the shared `world`: one enterprise per cell, and an Excel builder."""

from __future__ import annotations

import io

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
