"""Pre-load the assessment schemes (version 1 of each): department, grid worker, community, zone.

Self-contained on purpose (historical models, data written out here), so later changes to app
code cannot change what this migration does. Formulas: STANDARDS.md §3 (GB/T 30428.4 / CJ/T 292),
SAFETY.md §4 and §8.4–8.5. No contractor scheme: the contractors app holds no data yet.
Scoring kinds: "rate" (100 × rate), "bands" (band table), "deduction" (weight − per item,
floored at 0), "bonus" (per item, capped).
"""

from django.db import migrations

LETTERS = [
    {"code": "A", "label": "A", "min": 90, "coefficient": 1.2},
    {"code": "B", "label": "B", "min": 75, "coefficient": 1.1},
    {"code": "C", "label": "C", "min": 60, "coefficient": 1.0},
    {"code": "D", "label": "D", "min": 40, "coefficient": 0.9},
    {"code": "E", "label": "E", "min": 0, "coefficient": 0.8},
]
PEOPLE = [
    {"code": "excellent", "label": "优秀", "min": 95, "coefficient": 1.2},
    {"code": "pass", "label": "合格", "min": 80, "coefficient": 1.0},
    {"code": "basic", "label": "基本合格", "min": 70, "coefficient": 0.9},
    {"code": "fail", "label": "不合格", "min": 0, "coefficient": 0.7},
]
# 立案数 bands (STANDARDS §3): 0–50 → 100, 51–100 → 90, 101–200 → 75, 201–500 → 60, 501–999 → 40, 1000+ → 0.
REGISTERED_BANDS = [[50, 100], [100, 90], [200, 75], [500, 60], [999, 40], [None, 0]]


def rate(key, label, numerator, denominator, weight, direction="up"):
    return {"key": key, "label": label, "numerator": numerator, "denominator": denominator, "scoring": "rate",
            "direction": direction, "weight": weight}


SCHEMES = [
    ("department", "部门考核（GB/T 30428.4 综合指标）", LETTERS, [
        {"key": "registered_count", "label": "立案数分值", "numerator": "registered", "denominator": "",
         "scoring": "bands", "bands": REGISTERED_BANDS, "weight": 10},
        rate("closure_rate", "结案率", "registered_closed", "registered_live", 30),
        rate("on_time_rate", "按期处置率", "handled_on_time", "handled", 30),
        rate("rework_rate", "返工率（1 − 返工率）", "handled_reworked", "handled", 30, "down"),
    ]),
    ("grid_worker", "网格员考核（监督员指标）", PEOPLE, [
        rate("valid_report_rate", "有效上报率", "reported_valid", "reported", 40),
        rate("missed_report_rate", "漏报率（1 − 漏报率）", "registered_public", "registered", 20, "down"),
        rate("confirm_on_time_rate", "按时核实率", "registered_public_on_time", "registered_public", 20),
        rate("check_on_time_rate", "按时核查率", "verified_on_time", "verified", 20),
        {"key": "hazards_found", "label": "发现隐患（加分）", "numerator": "hazards_confirmed", "denominator": "",
         "scoring": "bonus", "per_item": "0.5", "cap": "3", "weight": 0},
    ]),
    ("community", "社区考核", PEOPLE, [
        rate("handling_rate", "事件处置率", "registered_closed", "registered_live", 30),
        rate("on_time_rate", "按期结案率", "handled_on_time", "handled", 30),
        rate("valid_report_rate", "有效上报率", "reported_valid", "reported", 20),
        rate("missed_report_rate", "漏报率（1 − 漏报率）", "registered_public", "registered", 20, "down"),
        {"key": "hazards_found", "label": "发现隐患（加分）", "numerator": "hazards_confirmed", "denominator": "",
         "scoring": "bonus", "per_item": "0.2", "cap": "2", "weight": 0},
    ]),
    ("zone", "管区考核", LETTERS, [
        rate("handling_rate", "事件处置率", "registered_closed", "registered_live", 30),
        rate("on_time_rate", "按期结案率", "handled_on_time", "handled", 30),
        rate("rework_rate", "返工率（1 − 返工率）", "handled_reworked", "handled", 20, "down"),
        rate("register_on_time_rate", "按时立案率", "registered_on_time", "registered", 10),
        {"key": "red_cards", "label": "红牌督办（扣分）", "numerator": "red_carded", "denominator": "",
         "scoring": "deduction", "per_item": "2", "weight": 10},
    ]),
]


def seed(apps, schema_editor):
    Scheme = apps.get_model("governance", "Scheme")
    Indicator = apps.get_model("governance", "Indicator")
    for subject_type, name, grades, indicators in SCHEMES:
        if Scheme.objects.filter(subject_type=subject_type, worker_kind="").exists():
            continue
        scheme = Scheme.objects.create(subject_type=subject_type, worker_kind="", name=name, version=1, is_current=True,
                                       grades=grades, bonus_cap=5, note="预置方案")
        for order, row in enumerate(indicators):
            Indicator.objects.create(scheme=scheme, order=order, **row)


def unseed(apps, schema_editor):
    Scheme = apps.get_model("governance", "Scheme")
    Scheme.objects.filter(version=1, note="预置方案").delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_assessment")]
    operations = [migrations.RunPython(seed, unseed)]
