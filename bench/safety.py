"""Enterprise-safety rows for the benchmark, in proportion to the cases (issue 11's bench item).

For N cases: 2.5 % of N enterprises (25,000 at 1M), 30 % inspections (300,000), 60 % hazards
(600,000), about 20 campaigns a year with their frozen targets (the active enterprises of the
campaign's sectors). Written with COPY through bench.loader (indexes and constraints dropped and
recreated, schema compared) in one transaction after the cases; deterministic for a given seed
and `now`. Every NOT NULL column is written; enterprise codes are fictional GB 32100 codes with
valid check characters (inspections.creditcode.fictional_code), unique; each enterprise's point
is one of its cell's points (inside the cell); hazards and inspections carry the enterprise's
territory; hazard codes YH-YYYY-NNNNNN follow the recording order per year and HazardSequence is
set after. Hazard states spread over the loop by age (recorded, confirmed, notified, rectifying,
submitted, rechecking, closed, void) with the deadline columns and the ladder's card
(warning/yellow/red) the sweep would have set. Not written: checklist answers and photos,
notices, hazard and campaign timelines (the pages benchmarked read none of them in bulk).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import uuid

DAY = 86400
ENTERPRISE_SHARE, INSPECTION_SHARE, HAZARD_SHARE = 0.025, 0.30, 0.60
CAMPAIGNS_PER_YEAR = 20

_TRADES = ("餐饮", "商贸", "物流", "仓储", "建材", "机械", "食品", "化工", "印刷", "五金", "家具", "电子", "服装", "汽修", "燃气")
_FORMS = ("有限公司", "有限责任公司", "店", "经营部", "中心")
_ROADS = ("辛河路", "滨海大道", "长江路", "黄河路", "泰山路", "昆仑山路", "井冈山路", "嘉陵江路", "漓江路", "珠江路")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
_DESCRIPTIONS = (
    "燃气软管长度超过2米", "气瓶数量超过4只", "未安装可燃气体报警装置", "疏散通道堆放杂物", "安全出口锁闭",
    "灭火器压力不足", "电气线路私拉乱接", "应急照明损坏", "消防栓被遮挡", "危化品储存未分类", "有限空间作业未审批",
    "粉尘清扫记录缺失", "安全培训记录不全", "特种作业人员无证上岗", "货架超高堆放",
)
SECTOR_WEIGHTS = {  # inspections.choices.Sector codes (checked in models_and_columns)
    "commercial": 18, "catering_piped": 12, "catering_bottled": 8, "warehouse": 10, "nine_small": 14, "construction": 6,
    "school": 3, "kindergarten": 3, "chem_use": 4, "chem_trade": 2, "chem_storage": 1, "chem_production": 1,
    "fireworks_retail": 2, "fireworks_wholesale": 1, "machinery": 4, "light_industry": 3, "building_materials": 2,
    "textiles": 1, "metallurgy": 1, "trade": 3, "other": 1,
}


FLAGS = {"gas_user", "dust", "ammonia", "confined_space", "major_hazard"}


def counts(incidents: int, years: int) -> dict[str, int]:
    return {
        "enterprises": max(10, round(incidents * ENTERPRISE_SHARE)),
        "inspections": max(20, round(incidents * INSPECTION_SHARE)),
        "hazards": max(30, round(incidents * HAZARD_SHARE)),
        "campaigns": CAMPAIGNS_PER_YEAR * years,
    }


def models_and_columns():
    """The tables written, in load order, with their columns (checked against the models)."""
    from inspections.models import (
        Campaign,
        CampaignTarget,
        Enterprise,
        EnterpriseFlag,
        EnterpriseSector,
        Hazard,
        Inspection,
        InspectionInspector,
    )

    departments = Enterprise.responsible_departments.through
    columns = {
        Enterprise: (
            "id", "credit_code", "name", "legal_representative", "principal", "safety_officer", "safety_officer_phone", "address",
            "name_key", "address_key", "latitude", "longitude", "grid_cell_id", "community_id", "zone_id", "employees",
            "target_kind", "risk_level", "risk_assessed_on", "risk_method", "status", "created_at", "updated_at",
        ),
        EnterpriseSector: ("id", "enterprise_id", "code"),
        EnterpriseFlag: ("id", "enterprise_id", "code"),
        departments: ("id", "enterprise_id", "department_id"),
        Campaign: (
            "id", "title", "theme", "description", "lead_id", "sectors", "flags", "starts_on", "ends_on", "phase", "started_at",
            "phase_changed_at", "created_by_id", "created_at", "updated_at",
        ),
        CampaignTarget: ("id", "campaign_id", "enterprise_id", "added_at"),
        Inspection: (
            "id", "client_key", "enterprise_id", "zone_id", "campaign_id", "kind", "status", "version_id", "started_at", "ended_at",
            "latitude", "longitude", "distance_m", "location_flagged", "summary", "signature", "signature_kind", "signed_by",
            "created_by_id", "created_at", "submitted_at",
        ),
        InspectionInspector: ("id", "inspection_id", "user_id", "certificate_no"),
        Hazard: (
            "id", "code", "status", "source", "enterprise_id", "inspection_id", "answer_id", "item_id", "clause_id",
            "proposed_level", "level", "major_basis", "major_reason", "factor_kind", "location", "description", "department_id",
            "rectification_days", "grid_cell_id", "community_id", "zone_id", "reporter_id", "recorded_at", "confirmed_at",
            "confirmed_by_id", "updated_at", "notice_id", "mode", "first_due_at", "red_at", "extensions", "missed_deadlines",
            "recheck_failures", "recheck_due_at", "recheck_overdue_at", "referral_due_at", "referral_overdue_at",
            "production_halted", "supervised_at", "auto_refused_at", "refusals",
            "completed_at", "closed_at", "closed_on_time", "reopen_count", "stage", "due_at", "warn_at", "paused_remaining",
            "escalation",
        ),
    }
    from inspections.choices import Flag, Sector

    if not set(SECTOR_WEIGHTS) <= set(Sector.values) or not FLAGS <= set(Flag.values):
        raise SystemExit("bench.safety uses sector or flag codes that inspections.choices does not define")
    for model, names in columns.items():
        actual = {f.column for f in model._meta.concrete_fields}
        if actual != set(names):
            raise SystemExit(f"bench.safety is out of date with {model._meta.db_table}: "
                             f"not written {sorted(actual - set(names))}, unknown {sorted(set(names) - actual)}")
    return columns


class SafetyMaker:
    """Builds the rows (COPY text lines per table) from the world and reference data."""

    def __init__(self, world, now: int, fmt, *, seed: int, incidents: int, years: int, reference: dict) -> None:
        self.world, self.now, self.f = world, now, fmt
        self.rng = random.Random(f"safety:{seed}")
        self.n = counts(incidents, years)
        self.start = now - round(365.25 * years) * DAY
        self.ref = reference  # versions, clauses (general / major), safety office users, safety department
        self.tables: dict[str, list[str]] = {}

    # helpers
    def _line(self, table: str, values) -> None:
        self.tables.setdefault(table, []).append("\t".join(values))

    def _person(self) -> str:
        return self.rng.choice(_SURNAMES) + "".join(self.rng.choice(_GIVEN) for _ in range(self.rng.choice((1, 2))))

    def _day(self, t: int) -> str:
        return (dt.date(1970, 1, 1) + dt.timedelta(days=t // DAY)).isoformat()

    def build(self) -> dict[str, list[str]]:
        self.enterprises()
        self.campaigns()
        self.inspections()
        self.hazards()
        return self.tables

    def enterprises(self) -> None:
        from inspections.creditcode import fictional_code
        from inspections.services.enterprises import identity_key

        f, rng, cells = self.f, self.rng, self.world.cells
        weights = list(_accumulate([c.weight for c in cells]))
        sectors, sector_weights = list(SECTOR_WEIGHTS), list(_accumulate(SECTOR_WEIGHTS.values()))
        departments = self.world.departments
        self.ents: list[tuple] = []  # (id, cell, (lat, lon), sectors, active, weight)
        sector_id = flag_id = dept_id = 0
        for i in range(1, self.n["enterprises"] + 1):
            cell = cells[bisect.bisect(weights, rng.random() * weights[-1])]
            lat, lon = rng.choice(cell.points)
            name = f"辛河{rng.choice(_TRADES)}{i:05d}{rng.choice(_FORMS)}"
            address = f"{rng.choice(_ROADS)}{rng.randint(1, 999)}号{cell.name}"
            r = rng.random()
            risk = "red" if r < 0.03 else "orange" if r < 0.15 else "yellow" if r < 0.5 else "blue"
            key = risk in ("red", "orange") or rng.random() < 0.1
            s = rng.random()
            status = "active" if s < 0.92 else "closed" if s < 0.97 else "relocated"
            created = self.start - rng.randint(0, 3 * 365) * DAY
            assessed = self.now - rng.randint(10, 700) * DAY
            self._line("enterprise", (
                str(i), fictional_code(10_000_000 + i), f.text(name), self._person(), self._person(), self._person(),
                f"13{rng.randint(0, 999_999_999):09d}", f.text(address), identity_key(name), identity_key(address), lat, lon,
                str(cell.id), str(cell.community_id), str(cell.zone_id), str(rng.choice((3, 5, 8, 12, 20, 35, 60, 120, 300))),
                "key" if key else "ordinary", risk, self._day(assessed), rng.choice(("lec", "ls", "other")), status,
                f.ts(created), f.ts(max(created, assessed)),
            ))
            mine = sorted({sectors[bisect.bisect(sector_weights, rng.random() * sector_weights[-1])]
                           for _ in range(1 + (rng.random() < 0.3))})
            for code in mine:
                sector_id += 1
                self._line("sector", (str(sector_id), str(i), code))
            flags = set()
            if any(c.startswith("catering") for c in mine) or rng.random() < 0.1:
                flags.add("gas_user")
            for code, p in (("dust", 0.03), ("ammonia", 0.01), ("confined_space", 0.05), ("major_hazard", 0.01)):
                if rng.random() < p:
                    flags.add(code)
            for code in sorted(flags):
                flag_id += 1
                self._line("flag", (str(flag_id), str(i), code))
            for department in sorted({self.ref["safety_department"], rng.choice(departments)}):
                dept_id += 1
                self._line("departments", (str(dept_id), str(i), str(department)))
            self.ents.append((i, cell, (lat, lon), mine, status == "active", 3 if key else 1))

    def campaigns(self) -> None:
        f, rng = self.f, self.rng
        themes = ("gas_fuel", "public_security", "key_production", "seasonal", "custom")
        titles = {"gas_fuel": "燃气和油气管道专项排查", "public_security": "治安隐患专项排查", "key_production": "重点行业生产隐患排查",
                  "seasonal": "季节性安全检查", "custom": "专项整治行动"}
        by_sector: dict[str, list[int]] = {}
        for pk, _cell, _point, mine, active, _w in self.ents:
            if active:
                for code in mine:
                    by_sector.setdefault(code, []).append(pk)
        leads = self.world.street + self.ref["safety_users"]
        n = self.n["campaigns"]
        self.camps: list[tuple[int, int, int, list[int]]] = []  # (id, start, end, targets)
        target_id = 0
        span = self.now - self.start
        for k in range(1, n + 1):
            begins = self.start + span * (k - 1) // n + rng.randint(0, 5) * DAY
            begins -= begins % DAY
            ends = begins + rng.randint(30, 90) * DAY
            theme = themes[k % len(themes)]
            chosen = sorted(rng.sample(list(SECTOR_WEIGHTS), rng.randint(1, 3)))
            targets = sorted({pk for code in chosen for pk in by_sector.get(code, [])})
            phase = "review" if ends < self.now else "inspection" if begins + 14 * DAY < self.now else "self_check"
            started = begins + 9 * 3600 - 8 * 3600
            lead = rng.choice(leads)
            year = dt.datetime.fromtimestamp(begins, dt.UTC).year
            self._line("campaign", (
                str(k), f.text(f"{year}年{titles[theme]}（第{k}期）"), theme, f.text("全面排查，建立台账，闭环整改。"), str(lead),
                f.text(_json(chosen)), "[]", self._day(begins), self._day(ends), phase, f.ts(started),
                f.ts(min(self.now, started + 14 * DAY)), str(lead), f.ts(begins - 7 * DAY), f.ts(min(self.now, started + 14 * DAY)),
            ))
            for pk in targets:
                target_id += 1
                self._line("target", (str(target_id), str(k), str(pk), f.ts(started)))
            self.camps.append((k, started, min(ends + DAY, self.now), targets))

    def inspections(self) -> None:
        f, rng = self.f, self.rng
        ents = self.ents
        ent_weights = list(_accumulate(e[5] for e in ents))
        versions = self.ref["versions"]
        inspectors = self.world.street + self.ref["safety_users"]
        kinds, kind_weights = ("government", "expert", "service", "self_check", "patrol"), list(_accumulate((40, 25, 10, 10, 15)))
        plan = []
        for _ in range(self.n["inspections"]):
            if self.camps and rng.random() < 0.5:
                camp = rng.choice(self.camps)
                if camp[3]:
                    ent = ents[rng.choice(camp[3]) - 1]
                    plan.append((rng.randint(camp[1], camp[2]), ent, camp[0]))
                    continue
            ent = ents[bisect.bisect(ent_weights, rng.random() * ent_weights[-1])]
            plan.append((rng.randint(self.start, self.now - 3600), ent, None))
        plan.sort(key=lambda p: p[0])
        self.insp: list[tuple] = []  # (id, ent, ended, creator, kind) of submitted inspections
        inspector_id = 0
        for pk, (started, ent, campaign) in enumerate(plan, 1):
            started -= started % 60
            kind = kinds[bisect.bisect(kind_weights, rng.random() * kind_weights[-1])]
            draft = started > self.now - 2 * DAY and rng.random() < 0.3
            ended = None if draft else min(self.now, started + rng.randint(20, 120) * 60)
            cell = ent[1]
            if kind == "patrol" and cell.workers:
                people = [rng.choice(cell.workers)]
            elif kind in ("government", "expert"):
                people = rng.sample(inspectors, 2)
            else:
                people = [rng.choice(inspectors)]
            self._line("inspection", (
                str(pk), str(uuid.UUID(int=rng.getrandbits(128), version=4)), str(ent[0]), str(cell.zone_id),
                f.num(campaign), kind, "draft" if draft else "submitted", str(rng.choice(versions)), f.ts(started), f.ts(ended),
                ent[2][0], ent[2][1], str(rng.randint(0, 80)), f.false, f.text("现场检查，问题已告知企业负责人。"), "",
                "" if draft else "drawn", "" if draft else self._person(), str(people[0]), f.ts(started), f.ts(ended),
            ))
            for user in people:
                inspector_id += 1
                self._line("inspector", (str(inspector_id), str(pk), str(user),
                                         f"AJ-{user:05d}" if kind in ("government", "expert") else ""))
            if not draft:
                self.insp.append((pk, ent, ended, people[0], kind))

    def hazards(self) -> None:
        f, rng = self.f, self.rng
        plan = []
        ent_weights = list(_accumulate(e[5] for e in self.ents))
        for _ in range(self.n["hazards"]):
            if self.insp and rng.random() < 0.85:
                pk, ent, ended, creator, _kind = rng.choice(self.insp)
                plan.append((ended, ent, pk, creator, "inspection"))
            else:
                ent = ents_pick(self.ents, ent_weights, rng)
                cell = ent[1]
                source = rng.choice(("grid_report", "public", "office"))
                reporter = rng.choice(cell.workers) if source == "grid_report" and cell.workers else rng.choice(self.world.street)
                plan.append((rng.randint(self.start, self.now - 600), ent, None, reporter, source))
        plan.sort(key=lambda p: (p[0], p[1][0]))
        safety_users, general, major = self.ref["safety_users"], self.ref["clauses_general"], self.ref["clauses_major"]
        department = self.ref["safety_department"]
        self.sequences: dict[int, int] = {}
        self.states: dict[str, int] = {}
        for pk, (recorded, ent, inspection, reporter, source) in enumerate(plan, 1):
            year = dt.datetime.fromtimestamp(recorded, dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).year
            number = self.sequences[year] = self.sequences.get(year, 0) + 1
            age = (self.now - recorded) / DAY
            status = _status(rng, age)
            self.states[status] = self.states.get(status, 0) + 1
            is_major = rng.random() < 0.05
            proposed = "major" if is_major else "general"
            confirmed = status not in ("recorded", "void")
            level = proposed if confirmed else ""
            clause = rng.choice(major if is_major else general) if (major if is_major else general) and rng.random() < 0.8 else None
            basis = ("criterion" if clause else "external") if is_major and confirmed else ""
            days = 30 if is_major else rng.choice((3, 5, 7, 7, 10, 15))
            confirmed_at = recorded + rng.randint(2, 48) * 3600 if confirmed else None
            confirmed_at = min(confirmed_at, self.now - 60) if confirmed_at else None
            notified = status in ("notified", "rectifying", "submitted", "rechecking", "closed")
            mode = ("halt" if is_major and rng.random() < 0.3 else "deadline" if days > 3 else "immediate") if notified else ""
            first_due = confirmed_at + round(days * 1.4) * DAY if notified else None
            stage = due = warn = red = completed = recheck_due = closed = on_time = supervised = None
            escalation = missed = extensions = 0
            if notified:
                extensions = 1 if rng.random() < 0.08 else 0
                deadline = first_due + extensions * 7 * DAY
                red_at = deadline if is_major else deadline + 7 * DAY
                if status in ("notified", "rectifying"):
                    stage, due, red = "rectify", deadline, red_at
                    warn = deadline - max(DAY, days * DAY // 5)
                    if due <= self.now:
                        escalation, missed = (3 if red_at <= self.now else 2), 1
                        supervised = red_at if is_major and red_at <= self.now else None
                    elif warn <= self.now:
                        escalation = 1
                else:
                    finish = min(self.now - 600, confirmed_at + rng.randint(1, round(days * 1.6) + 1) * DAY)
                    completed = max(finish, confirmed_at + 600)
                    if status == "closed":
                        closed = min(self.now - 60, completed + rng.randint(1, 3) * DAY)
                        on_time = closed <= deadline
                    else:
                        recheck_due = completed + 5 * DAY
                    red = None
            cell = ent[1]
            updated = closed or completed or confirmed_at or recorded
            self._line("hazard", (
                str(pk), f"YH-{year}-{number:06d}", status, source, str(ent[0]), f.num(inspection), f.null, f.null, f.num(clause),
                proposed, level, basis, f.text("地处人员密集区域，外部因素短期难以消除。") if basis == "external" else "",
                rng.choice(("thing", "thing", "person", "management")), f.text(f"{rng.choice(('厨房', '仓库', '车间', '楼道', '配电室'))}"),
                f.text(rng.choice(_DESCRIPTIONS)), str(department), str(days), str(cell.id), str(cell.community_id),
                str(cell.zone_id), str(reporter), f.ts(recorded), f.ts(confirmed_at),
                str(rng.choice(safety_users)) if confirmed else f.null, f.ts(updated), f.null, mode, f.ts(first_due), f.ts(red),
                str(extensions), str(missed), str(1 if status == "closed" and rng.random() < 0.05 else 0), f.ts(recheck_due),
                f.null, f.null, f.null,
                f.flag(mode == "halt"), f.ts(supervised), f.null, "0", f.ts(completed), f.ts(closed), f.flag(on_time), "0",
                stage or "", f.ts(due), f.ts(warn), f.null, str(escalation),
            ))


def ents_pick(ents, weights, rng):
    return ents[bisect.bisect(weights, rng.random() * weights[-1])]


def _status(rng: random.Random, age: float) -> str:
    r = rng.random()
    if r < 0.03:
        return "void"
    r = rng.random()
    if age > 120:
        return "closed" if r < 0.97 else "rectifying"
    if age > 30:
        table = ((0.75, "closed"), (0.85, "rectifying"), (0.90, "submitted"), (0.95, "rechecking"), (1.0, "notified"))
    else:
        table = ((0.15, "recorded"), (0.35, "confirmed"), (0.50, "notified"), (0.80, "rectifying"), (0.88, "submitted"),
                 (0.93, "rechecking"), (1.0, "closed"))
    return next(name for bound, name in table if r < bound)


def _accumulate(values):
    total = 0
    for value in values:
        total += value
        yield total


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def reference() -> dict:
    """Checklist versions and criteria (seeded through the demo seeder if missing), the safety
    office's department and its handlers."""
    from grids.choices import DepartmentKind, Role
    from grids.models import Department, User
    from inspections.demo import seed_inspection_library
    from inspections.models import ChecklistVersion, Clause

    if not ChecklistVersion.objects.exists():
        seed_inspection_library()
    safety = Department.objects.filter(kind=DepartmentKind.SAFETY).order_by("pk").first()
    if safety is None:
        raise SystemExit("No safety-office department: the organisation is not loaded.")
    users = list(User.objects.filter(role=Role.DEPARTMENT, department=safety, is_active=True).order_by("pk").values_list("pk", flat=True))
    clauses = list(Clause.objects.order_by("pk").values_list("pk", "is_major"))
    return {
        "versions": list(ChecklistVersion.objects.order_by("pk").values_list("pk", flat=True)),
        "clauses_general": [pk for pk, major in clauses if not major], "clauses_major": [pk for pk, major in clauses if major],
        "safety_department": safety.pk, "safety_users": users or list(User.objects.filter(role=Role.STREET).values_list("pk", flat=True)),
    }


TABLE_KEYS = ("enterprise", "sector", "flag", "departments", "campaign", "target", "inspection", "inspector", "hazard")


def load(*, world, now: int, fmt, seed: int, incidents: int, years: int, out, say) -> dict:
    """Build and COPY the safety rows in one transaction; set HazardSequence; ANALYZE. Returns
    timings, counts and hazard states."""
    import time

    from django.db import connection, transaction

    from bench.loader import PostgresLoader, schema_fingerprint
    from inspections.models import HazardSequence

    columns = models_and_columns()
    timings = {}
    started = time.monotonic()
    maker = SafetyMaker(world, now, fmt, seed=seed, incidents=incidents, years=years, reference=reference())
    tables = maker.build()
    timings["safety simulate"] = time.monotonic() - started
    models = list(columns)
    before = schema_fingerprint(models)
    loader = PostgresLoader(models, out, columns=columns, extra=("inspections_hazardsequence",))
    t0 = time.monotonic()
    with transaction.atomic():
        loader.prepare()
        for model, key in zip(models, TABLE_KEYS, strict=True):
            rows = tables.get(key, [])
            for begin in range(0, len(rows), 50_000):
                loader.copy(model, "".join(line + "\n" for line in rows[begin:begin + 50_000]))
        timings["safety copy"] = loader.copy_seconds
        t1 = time.monotonic()
        loader.finish()
        timings["safety rebuild"] = time.monotonic() - t1
        for year, last in sorted(maker.sequences.items()):
            HazardSequence.objects.update_or_create(prefix="YH", year=year, defaults={"last": last})
    timings["safety load"] = time.monotonic() - t0
    after = schema_fingerprint(models)
    if after != before:
        raise SystemExit("The safety tables' indexes or constraints differ from before the load: a bug in bench.loader. "
                         f"Before only: {sorted(set(before) - set(after))}; after only: {sorted(set(after) - set(before))}")
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    timings["safety total"] = time.monotonic() - started
    rows = {model._meta.db_table: len(tables.get(key, [])) for model, key in zip(models, TABLE_KEYS, strict=True)}
    say(f"  safety: {rows['inspections_enterprise']:,} enterprises, {rows['inspections_inspection']:,} inspections, "
        f"{rows['inspections_hazard']:,} hazards, {rows['inspections_campaign']:,} campaigns "
        f"({rows['inspections_campaigntarget']:,} targets) in {timings['safety total']:.1f} s")
    return {"timings": timings, "rows": rows, "hazard_states": dict(sorted(maker.states.items()))}
