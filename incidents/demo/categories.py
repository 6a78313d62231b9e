"""The demo's case categories: the six domains of the report and their subcategories.

One row per subcategory, read as a table. Limits are written `<amount><unit>`:
`uh` urgent hours (around the clock), `wh` working hours, `wd` working days, `nd` natural days,
for the four stages register, dispatch, handle and verify, in that order. The handle limits
follow municipal standards where one exists (STANDARDS.md §2: exposed rubbish 4 working hours,
road cleaning 2 working hours, green-space replanting 5 working days, illegal building 15
working days); the rest are what a sub-district would set. `weight` is how often the demo
history draws the category.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from casework.choices import LimitKind
from grids.models import Department
from incidents.choices import Severity, Stage
from incidents.models import Category, StageLimit

UNITS = {
    "uh": LimitKind.URGENT_HOURS,
    "wh": LimitKind.WORKING_HOURS,
    "wd": LimitKind.WORKING_DAYS,
    "nd": LimitKind.NATURAL_DAYS,
}
STAGES = (Stage.REGISTER, Stage.DISPATCH, Stage.HANDLE, Stage.VERIFY)
WARN_RATIO = Decimal("0.80")
# Urgent categories warn earlier: a gas smell cannot wait for 80% of two hours.
URGENT_WARN_RATIO = Decimal("0.50")

# (code, name, English name, sort)
DOMAINS: tuple[tuple[str, str, str, int], ...] = (
    ("urban", "大城管", "Urban management", 10),
    ("safety", "大安全", "Safety", 20),
    ("public-order", "大治安", "Public order", 30),
    ("stability", "大稳定", "Stability", 40),
    ("mediation", "大调解", "Mediation", 50),
    ("services", "大服务", "Services", 60),
)

MINOR, GENERAL, MAJOR, URGENT = Severity.MINOR, Severity.GENERAL, Severity.MAJOR, Severity.URGENT


@dataclass(frozen=True)
class Row:
    domain: str
    code: str
    name: str
    department: str  # Department.slug; the category gets no default department when the demo lacks it
    severity: str
    self_handle: bool
    limits: str  # "register dispatch handle verify", e.g. "2wh 2wh 4wh 4wh"
    weight: int
    name_en: str


# fmt: off
# One tuple per subcategory, in this column order:
#   (code                    name                department       severity self   register dispatch handle verify weight English name)
URBAN: tuple[tuple, ...] = (
    ("illegal-construction", "违法建设",         "enforcement",   MAJOR,   False, "4wh 4wh 15wd 2wd",    50,  "Illegal construction"),
    ("exposed-rubbish",      "暴露垃圾",         "urban",         MINOR,   True,  "2wh 1wh 4wh 4wh",     140, "Exposed rubbish"),
    ("street-vending",       "占道经营",         "urban",         GENERAL, False, "2wh 1wh 4wh 4wh",     110, "Street vending"),
    ("flyposting",           "乱贴乱画",         "urban",         MINOR,   True,  "2wh 2wh 1wd 1wd",     90,  "Fly-posting and graffiti"),
    ("manhole-cover",        "井盖缺失",         "housing",       MAJOR,   False, "1uh 1uh 4uh 4wh",     20,  "Missing manhole cover"),
    ("dirty-road",           "道路不洁",         "urban",         MINOR,   True,  "2wh 1wh 2wh 4wh",     60,  "Dirty road surface"),
    ("damaged-greenery",     "绿地损毁",         "urban",         MINOR,   False, "4wh 4wh 5wd 2wd",     25,  "Damaged green space"),
    ("streetlight-out",      "路灯不亮",         "housing",       GENERAL, False, "4wh 4wh 3wd 1wd",     30,  "Street light out"),
    ("sewage-overflow",      "污水冒溢",         "housing",       GENERAL, False, "2wh 2wh 1wd 4wh",     20,  "Sewage overflow"),
    ("open-burning",         "露天焚烧",         "environment",   GENERAL, False, "1wh 1wh 4wh 4wh",     15,  "Open burning"),
)
SAFETY: tuple[tuple, ...] = (
    ("gas-smell",            "燃气泄漏/异味",    "safety",        URGENT,  False, "0.5uh 0.5uh 2uh 4uh", 12,  "Gas leak or gas smell"),
    ("blocked-fire-exit",    "消防通道堵塞",     "safety",        MAJOR,   False, "2wh 2wh 1wd 4wh",     45,  "Blocked fire exit"),
    ("ebike-charging",       "电动车违规充电",   "safety",        MAJOR,   False, "2wh 2wh 1wd 1wd",     55,  "E-bike charged indoors"),
    ("hazardous-chemicals",  "危化品违规存放",   "safety",        MAJOR,   False, "1wh 1wh 3wd 1wd",     10,  "Hazardous chemicals"),
    ("construction-hazard",  "建筑工地安全隐患", "safety",        MAJOR,   False, "2wh 2wh 3wd 1wd",     30,  "Construction site hazard"),
    ("fire-equipment",       "消防设施损坏",     "safety",        GENERAL, False, "4wh 4wh 5wd 2wd",     30,  "Broken fire equipment"),
    ("small-premises-fire",  "九小场所消防隐患", "safety",        GENERAL, False, "4wh 4wh 3wd 1wd",     35,  "Small shop fire hazard"),
    ("dangerous-house",      "房屋安全隐患",     "housing",       MAJOR,   False, "2wh 2wh 5wd 2wd",     12,  "Dangerous building"),
    ("food-safety",          "食品安全隐患",     "market",        GENERAL, False, "4wh 4wh 3wd 1wd",     15,  "Food safety hazard"),
)
PUBLIC_ORDER: tuple[tuple, ...] = (
    ("fight",                "打架斗殴",         "police",        URGENT,  False, "0.5uh 0.5uh 2uh 1wd", 12,  "Fight"),
    ("suspicious-person",    "可疑人员",         "police",        MAJOR,   False, "1uh 1uh 4uh 1wd",     15,  "Suspicious person"),
    ("public-order-hazard",  "治安隐患",         "joint-defence", GENERAL, False, "4wh 4wh 3wd 1wd",     35,  "Public-order hazard"),
    ("noise-nuisance",       "噪声扰民",         "environment",   GENERAL, False, "4wh 4wh 2wd 1wd",     30,  "Noise nuisance"),
    ("gambling",             "聚众赌博苗头",     "police",        MAJOR,   False, "2wh 2wh 1wd 1wd",     6,   "Suspected gambling"),
    ("rental-housing",       "出租房屋治安隐患", "police",        GENERAL, False, "1wd 1wd 5wd 2wd",     25,  "Rental housing hazard"),
)
STABILITY: tuple[tuple, ...] = (
    ("group-petition",       "群体性上访苗头",   "petitions",     MAJOR,   False, "2wh 2wh 3wd 1wd",     8,   "Signs of a group petition"),
    ("wage-arrears",         "欠薪",             "union",         MAJOR,   False, "4wh 4wh 10wd 2wd",    25,  "Wage arrears"),
    ("watched-person",       "重点人员动态异常", "comprehensive", MAJOR,   False, "1wh 1wh 1wd 1wd",     8,   "Unusual watched person"),
    ("relocation-grievance", "征地拆迁矛盾",     "petitions",     MAJOR,   False, "1wd 1wd 10wd 2wd",    10,  "Relocation grievance"),
)
MEDIATION: tuple[tuple, ...] = (
    ("neighbour-dispute",    "邻里纠纷",         "comprehensive", GENERAL, False, "1wd 1wd 10wd 2wd",    50,  "Neighbour dispute"),
    ("family-dispute",       "家庭纠纷",         "comprehensive", GENERAL, False, "1wd 1wd 10wd 2wd",    25,  "Family dispute"),
    ("property-dispute",     "物业纠纷",         "housing",       GENERAL, False, "1wd 1wd 10wd 2wd",    40,  "Dispute with property firm"),
    ("land-dispute",         "土地纠纷",         "petitions",     GENERAL, False, "1wd 1wd 15wd 2wd",    12,  "Land dispute"),
    ("labour-dispute",       "劳动纠纷",         "union",         GENERAL, False, "1wd 1wd 10wd 2wd",    15,  "Labour dispute"),
    ("consumer-dispute",     "消费纠纷",         "market",        MINOR,   False, "1wd 1wd 7nd 2wd",     12,  "Consumer dispute"),
)
SERVICES: tuple[tuple, ...] = (
    ("elderly-alone",        "独居老人需帮扶",   "comprehensive", GENERAL, False, "4wh 1wd 3wd 2nd",     35,  "Elderly person needs help"),
    ("disability-help",      "残疾人帮扶",       "comprehensive", GENERAL, False, "1wd 1wd 5wd 2nd",     15,  "Disabled person needs help"),
    ("migrant-registration", "流动人口登记",     "police",        MINOR,   True,  "1wd 1wd 3nd 3nd",     60,  "Migrant registration"),
    ("hardship-help",        "困难群众救助",     "comprehensive", GENERAL, False, "1wd 1wd 7nd 3nd",     15,  "Household in hardship"),
    ("public-facility",      "公共服务设施报修", "housing",       MINOR,   False, "1wd 1wd 5wd 2wd",     25,  "Broken public facility"),
)
# fmt: on

# Open311: what the public may report through outside clients (hotline, city apps), and the
# categories whose exact point the public read keeps back (people, disputes, public order).
OPEN311_PUBLIC = frozenset({
    "illegal-construction", "exposed-rubbish", "street-vending", "flyposting", "manhole-cover", "dirty-road",
    "damaged-greenery", "streetlight-out", "sewage-overflow", "open-burning", "gas-smell", "blocked-fire-exit",
    "fire-equipment", "noise-nuisance", "neighbour-dispute", "property-dispute", "public-facility",
})
SENSITIVE_DOMAINS = frozenset({"public-order", "stability", "mediation", "services"})

SUBCATEGORIES: tuple[Row, ...] = tuple(
    Row(domain, *row)
    for domain, rows in (
        ("urban", URBAN), ("safety", SAFETY), ("public-order", PUBLIC_ORDER),
        ("stability", STABILITY), ("mediation", MEDIATION), ("services", SERVICES),
    )
    for row in rows
)


def parse_limit(text: str) -> tuple[Decimal, str]:
    """'0.5uh' → (Decimal('0.5'), urgent_hours)."""
    return Decimal(text[:-2]), UNITS[text[-2:]]


def limits_of(row: Row) -> dict[str, tuple[Decimal, str]]:
    parts = row.limits.split()
    if len(parts) != len(STAGES):
        raise ValueError(f"{row.code}: give one limit per stage, got {row.limits!r}")
    return {stage: parse_limit(part) for stage, part in zip(STAGES, parts, strict=True)}


@transaction.atomic
def seed_categories() -> int:
    """Create or update the domains, subcategories and their stage limits; returns categories created.

    Idempotent: rows are matched by category code (and stage), so a second run creates nothing
    and puts the table's values back.
    """
    departments = {d.slug: d for d in Department.objects.all()}
    created = 0
    domains: dict[str, Category] = {}
    for code, name, name_en, sort in DOMAINS:
        domains[code], new = Category.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "parent": None, "sort": sort, "is_active": True}
        )
        created += new
    for index, row in enumerate(SUBCATEGORIES):
        severity_is_urgent = row.severity == Severity.URGENT
        category, new = Category.objects.update_or_create(
            code=row.code,
            defaults={
                "parent": domains[row.domain], "name": row.name, "name_en": row.name_en,
                "default_department": departments.get(row.department), "default_severity": row.severity,
                "self_handle_allowed": row.self_handle, "is_active": True, "sort": 100 + index,
                "open311_public": row.code in OPEN311_PUBLIC, "sensitive_location": row.domain in SENSITIVE_DOMAINS,
            },
        )
        created += new
        for stage, (amount, kind) in limits_of(row).items():
            StageLimit.objects.update_or_create(
                category=category, stage=stage,
                defaults={"amount": amount, "kind": kind, "warn_ratio": URGENT_WARN_RATIO if severity_is_urgent else WARN_RATIO},
            )
    return created
