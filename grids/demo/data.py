"""Fixed facts of the demo sub-district: names, departments, training sessions, roster gaps.

Every name here is fictional; only the shape and the numbers follow the report (128 grid
workers, three kinds of worker, the sunk department teams, a police room per zone).
"""

from __future__ import annotations

from dataclasses import dataclass

from grids.choices import CommunityKind, DepartmentKind, TrainingKind, TrainingLevel, WorkerKind

# One seed for the whole demo; each concern derives its own generator from it so that changing
# one part (say, the training audiences) does not reshuffle another (the people's names).
SEED = 20261126

SUBDISTRICT = {
    "code": "370211012",
    "name": "辛河街道",
    "district_name": "黄河新区",
    "case_prefix": "XH",
}

ZONE_NAMES = ("第一管区", "第二管区", "第三管区", "第四管区", "第五管区")

ROADS = ("辛河路", "滨河路", "青岚路", "泊海路", "丰收路", "望岳路", "珠江路", "梧桐路", "海棠路", "金沙滩路")

# (name, kind) in code order 001…025; the layout puts 4, 5, 4, 6 and 6 of them in zones 1…5.
URBAN, VILLAGE, RELOCATION = CommunityKind.URBAN, CommunityKind.VILLAGE, CommunityKind.RELOCATION
COMMUNITIES: tuple[tuple[str, str], ...] = (
    # zone 1
    ("辛河社区", URBAN),
    ("滨海社区", URBAN),
    ("安居社区", RELOCATION),
    ("东岭社区", VILLAGE),
    # zone 2
    ("汇川社区", URBAN),
    ("紫荆社区", URBAN),
    ("福瑞苑社区", RELOCATION),
    ("后庄社区", VILLAGE),
    ("金沙社区", URBAN),
    # zone 3
    ("望海社区", URBAN),
    ("泰和新村社区", RELOCATION),
    ("王家台社区", VILLAGE),
    ("明珠社区", URBAN),
    # zone 4
    ("柳树屯社区", VILLAGE),
    ("石桥社区", VILLAGE),
    ("和润家园社区", RELOCATION),
    ("南窑社区", VILLAGE),
    ("青云社区", URBAN),
    ("康宁苑社区", RELOCATION),
    # zone 5
    ("北河崖社区", VILLAGE),
    ("杨家庄社区", VILLAGE),
    ("嘉禾新城社区", RELOCATION),
    ("大官庄社区", VILLAGE),
    ("锦绣社区", URBAN),
    ("幸福里社区", RELOCATION),
)

# Households per grid cell by community kind: dense relocation estates, town streets, villages.
HOUSEHOLDS_PER_CELL = {URBAN: (550, 1050), VILLAGE: (160, 420), RELOCATION: (700, 1400)}
PERSONS_PER_HOUSEHOLD = (2.4, 3.1)


@dataclass(frozen=True)
class DepartmentSpec:
    slug: str
    name: str
    name_en: str  # the name shown on English pages
    kind: str
    phone: str
    sort: int
    # Name suffix of the team this department sinks into every zone ("第一管区安监站"), or None.
    zone_team: str | None = None


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("safety", "安监办", "Work Safety Office", DepartmentKind.SAFETY, "0532-86812301", 10, "安监站"),
    DepartmentSpec("urban", "城管执法中队", "Urban Management Squadron", DepartmentKind.URBAN_MANAGEMENT, "0532-86812302", 20,
                   "城管执法分队"),
    DepartmentSpec("union", "工会", "Trade Union", DepartmentKind.TRADE_UNION, "0532-86812303", 30, "工会工作站"),
    DepartmentSpec("petitions", "信访办", "Petitions Office", DepartmentKind.PETITIONS, "0532-86812304", 40, "信访工作站"),
    DepartmentSpec("enforcement", "综合行政执法中队", "Administrative Enforcement Squadron", DepartmentKind.ENFORCEMENT,
                   "0532-86812305", 50),
    DepartmentSpec("comprehensive", "综治办", "Comprehensive Governance Office", DepartmentKind.COMPREHENSIVE, "0532-86812306", 60),
    DepartmentSpec("joint-defence", "治安联防队", "Joint Security Patrol", DepartmentKind.JOINT_DEFENCE, "0532-86812307", 70),
    DepartmentSpec("police", "辛河派出所", "Xinhe Police Station", DepartmentKind.POLICE, "0532-86812110", 80, "警务室"),
    DepartmentSpec("market", "市场监管所", "Market Supervision Office", DepartmentKind.OTHER, "0532-86812308", 90),
    DepartmentSpec("housing", "住建办", "Housing and Construction Office", DepartmentKind.OTHER, "0532-86812309", 100),
    DepartmentSpec("environment", "生态环境办", "Ecology and Environment Office", DepartmentKind.OTHER, "0532-86812310", 110),
)

# Usernames of the department handlers that are demo logins (no zone: the whole sub-district).
DEMO_DEPARTMENT_LOGINS = ("safety", "urban")

# Grid workers: 128 in all, as in the report, split across the three kinds.
GRID_WORKER_TOTAL = 128
WORKER_KIND_SPLIT = {
    WorkerKind.STREET_FULL_TIME: 30,
    WorkerKind.COMMUNITY_FULL_TIME: 58,
    WorkerKind.PART_TIME: 40,
}

# Police duty: two 12-hour shifts a day per community, so a week is exactly 14 shifts.
SHIFT_HOURS = 12


@dataclass(frozen=True)
class RosterGap:
    """A deliberate hole in this week's roster, so the gap check has something to show."""

    community_code: str
    day: int  # 0 = Monday
    shift: int  # 0 = 00:00-12:00, 1 = 12:00-24:00
    trim_start_hours: int = 0
    trim_end_hours: int = 0

    @property
    def hours(self) -> int:
        return self.trim_start_hours + self.trim_end_hours


ROSTER_GAPS: tuple[RosterGap, ...] = (
    RosterGap("006", day=2, shift=1, trim_end_hours=4),  # Wednesday 20:00-24:00
    RosterGap("006", day=5, shift=0, trim_start_hours=3),  # Saturday 00:00-03:00
    RosterGap("019", day=3, shift=1, trim_start_hours=2),  # Thursday 12:00-14:00
)


@dataclass(frozen=True)
class TrainingSpec:
    title: str
    kind: str
    level: str
    trainer: str
    location: str
    # Start relative to Monday 00:00 of the week the demo is loaded: past sessions at least three
    # days before that Monday, upcoming ones more than a week after it, whatever day it is today.
    day_offset: int
    hour: int
    hours: float
    audience: str  # all | zone | street_ft | full_time | part_time
    zone_number: int | None = None
    summary: str = ""


TRAININGS: tuple[TrainingSpec, ...] = (
    TrainingSpec(
        "网格员岗位职责与事件上报（街道级分层培训）", TrainingKind.LAYERED, TrainingLevel.SUB_DISTRICT,
        "街道综治办 刘主任", "辛河街道办事处三楼会议室", -28, 9, 3, "all",
        summary="网格员职责、事件分类与上报时限、手机端操作。",
    ),
    TrainingSpec(
        "第一管区网格员业务培训", TrainingKind.LAYERED, TrainingLevel.ZONE,
        "第一管区 管区书记", "第一管区服务中心", -14, 14, 2, "zone", zone_number=1,
        summary="管区内重点企业、出租房屋与流动人口排查要点。",
    ),
    TrainingSpec(
        "第三管区网格员业务培训", TrainingKind.LAYERED, TrainingLevel.ZONE,
        "第三管区 管区书记", "第三管区服务中心", -7, 14, 2, "zone", zone_number=3,
        summary="拆迁安置社区矛盾纠纷的发现与上报。",
    ),
    TrainingSpec(
        "危险化学品与燃气管道隐患排查（专家培训）", TrainingKind.EXPERT, TrainingLevel.SUB_DISTRICT,
        "特聘安全专家 王工", "辛河街道办事处三楼会议室", -10, 9, 4, "street_ft",
        summary="危化品储存、燃气管道占压与违规用气的识别方法。",
    ),
    TrainingSpec(
        "消防安全与建筑施工隐患识别（专家培训）", TrainingKind.EXPERT, TrainingLevel.SUB_DISTRICT,
        "区消防救援大队 孙教官", "辛河街道应急指挥中心", 9, 9, 3, "full_time",
        summary="九小场所消防、施工现场临边防护与用电安全。",
    ),
    TrainingSpec(
        "矛盾纠纷调解实务（分层培训）", TrainingKind.LAYERED, TrainingLevel.SUB_DISTRICT,
        "街道司法所 于所长", "辛河街道办事处三楼会议室", 15, 14, 2, "part_time",
        summary="邻里、物业与劳资纠纷的调解流程与技巧。",
    ),
    TrainingSpec(
        "第五管区网格员业务培训", TrainingKind.LAYERED, TrainingLevel.ZONE,
        "第五管区 管区书记", "第五管区服务中心", 11, 14, 2, "zone", zone_number=5,
        summary="村居环境整治与农村自建房安全排查。",
    ),
)
