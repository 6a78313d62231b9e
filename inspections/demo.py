"""The demo's registry: the criteria library and sector checklists, and ~260 fictional enterprises.

Every enterprise is cleaned and written by the same services as an import (clean_enterprise,
duplicate rule, register_many). Their credit codes are fictional (inspections.creditcode: a
registering-authority character GB 32100 does not assign) and their names invented. The risk mix
is realistic: few red, more orange and yellow, most blue. Deterministic and idempotent.
"""

from __future__ import annotations

import random
from typing import TextIO

from django.db import transaction

from grids.models import Department, GridCell
from inspections.choices import EnterpriseStatus, Flag, RiskLevel, RiskMethod, Sector, TargetKind
from inspections.creditcode import fictional_code
from inspections.models import Enterprise
from inspections.services import seed_library
from inspections.services.enterprises import clean_enterprise, register_many

DEMO_ENTERPRISES = 260
RISK_WEIGHTS = [(RiskLevel.RED, 3), (RiskLevel.ORANGE, 14), (RiskLevel.YELLOW, 28), (RiskLevel.BLUE, 55)]
# (sector(s), flags, share, name suffixes, typical employees, responsible department slugs besides 安监办)
PROFILES = [
    ([Sector.CATERING_BOTTLED], [Flag.GAS_USER], 22, ["饭店", "餐馆", "小吃店", "面馆"], (3, 20), ["market", "urban"]),
    ([Sector.CATERING_PIPED], [Flag.GAS_USER], 12, ["酒楼", "食府", "快餐店"], (5, 40), ["market"]),
    ([Sector.NINE_SMALL], [], 18, ["便利店", "理发店", "五金店", "汽修店", "网吧"], (1, 8), ["market", "urban"]),
    ([Sector.COMMERCIAL], [], 9, ["商场", "超市", "商贸有限公司"], (10, 120), ["market"]),
    ([Sector.WAREHOUSE], [], 8, ["物流有限公司", "仓储中心"], (10, 150), ["market"]),
    ([Sector.MACHINERY], [Flag.CONFINED_SPACE], 7, ["机械有限公司", "精工制造厂"], (30, 400), ["market"]),
    ([Sector.LIGHT_INDUSTRY], [Flag.DUST_EXPLOSION], 4, ["木制品厂", "食品有限公司"], (20, 200), ["market"]),
    ([Sector.TRADE], [Flag.AMMONIA], 2, ["冷链物流有限公司", "水产冷藏厂"], (20, 120), ["market"]),
    ([Sector.BUILDING_MATERIALS], [], 3, ["建材有限公司"], (15, 90), ["market"]),
    ([Sector.CONSTRUCTION], [], 5, ["项目部"], (40, 300), ["housing"]),
    ([Sector.SCHOOL, Sector.CATERING_PIPED], [Flag.GAS_USER], 3, ["小学", "中学"], (40, 150), ["comprehensive"]),
    ([Sector.KINDERGARTEN], [], 4, ["幼儿园"], (10, 40), ["comprehensive"]),
    ([Sector.CHEM_TRADE], [Flag.MAJOR_HAZARD], 1, ["化工贸易有限公司"], (5, 30), ["environment"]),
    ([Sector.FIREWORKS_RETAIL], [], 2, ["烟花爆竹零售点"], (1, 4), ["police"]),
]
# Invented shop names (no real brand): a syllable pair and the suffix.
FIRST = "瑞恒鑫隆宏泰嘉福康盛兴源广丰安顺佳和宜润"
SECOND = "海川林岭达景昌华远晟德邦诚信新悦祥茂"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何林"
GIVEN = ["建国", "海燕", "志强", "丽华", "明", "静", "伟", "芳", "强", "敏", "军", "洁", "磊", "娜", "涛", "霞"]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _rows(cells: list[GridCell], departments: dict[str, Department], existing: set[str]) -> list[dict]:
    rng = random.Random(11)
    profiles = [p for p in PROFILES for _ in range(p[2])]
    rows = []
    for n in range(1, DEMO_ENTERPRISES + 1):
        sectors, flags, _share, suffixes, (low, high), slugs = rng.choice(profiles)
        cell = cells[(n * 7) % len(cells)]
        risk = rng.choices([r for r, _w in RISK_WEIGHTS], [w for _r, w in RISK_WEIGHTS])[0]
        code = fictional_code(n)
        name = f"{rng.choice(FIRST)}{rng.choice(SECOND)}{suffixes[n % len(suffixes)]}"
        if code in existing:
            continue
        assessed = risk != RiskLevel.BLUE or rng.random() < 0.5
        data = {
            "credit_code": code, "name": f"{name}（{cell.name}）", "address": f"{cell.name}{n}号",
            "legal_representative": _person(rng), "principal": _person(rng), "safety_officer": _person(rng),
            "safety_officer_phone": f"138{n:08d}", "latitude": cell.centroid_lat, "longitude": cell.centroid_lng,
            "grid_cell": cell, "sectors": [str(s) for s in sectors], "flags": [str(f) for f in flags],
            "employees": rng.randint(low, high), "risk_level": risk,
            "target_kind": TargetKind.KEY if risk in (RiskLevel.RED, RiskLevel.ORANGE) or flags else TargetKind.ORDINARY,
            "risk_assessed_on": f"2026-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}" if assessed else None,
            "risk_method": (RiskMethod.LEC if rng.random() < 0.7 else RiskMethod.LS) if assessed else "",
            "status": EnterpriseStatus.CLOSED if n % 97 == 0 else EnterpriseStatus.RELOCATED if n % 131 == 0 else EnterpriseStatus.ACTIVE,
            "responsible_departments": [departments[s] for s in ["safety", *slugs] if s in departments],
        }
        rows.append(clean_enterprise(data))
    return rows


@transaction.atomic
def seed_enterprises(*, stdout: TextIO | None = None) -> dict[str, int]:
    cells = list(GridCell.objects.select_related("community").order_by("code"))
    if not cells:
        return {"enterprises": 0}
    departments = {d.slug: d for d in Department.objects.all()}
    existing = set(Enterprise.objects.filter(credit_code__startswith="W").values_list("credit_code", flat=True))
    rows = _rows(cells, departments, existing)
    return {"enterprises": len(register_many(rows))}


def seed_inspection_library(*, stdout: TextIO | None = None) -> dict[str, int]:
    return seed_library()


__all__ = ["seed_enterprises", "seed_inspection_library"]
