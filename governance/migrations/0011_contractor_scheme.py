"""Pre-load the contractor scheme (version 1): the contractors' 100-point scorecard, SAFETY.md §8.4.

Self-contained on purpose, like 0006_assessment_schemes. The firm is scored on the scorecard lines
of its contracts running in the period (governance.assessment.sources_contractors): seven rates
weighted 15/15/20/20/10/10/10 and 5 points off per major hazard missed at a spot check (漏判),
uncapped ("penalty"); grades as in §8.5.
"""

from django.db import migrations

PEOPLE = [
    {"code": "excellent", "label": "优秀", "min": 95, "coefficient": 1.2},
    {"code": "pass", "label": "合格", "min": 80, "coefficient": 1.0},
    {"code": "basic", "label": "基本合格", "min": 70, "coefficient": 0.9},
    {"code": "fail", "label": "不合格", "min": 0, "coefficient": 0.7},
]


def rate(key, label, numerator, denominator, weight):
    return {"key": key, "label": label, "numerator": numerator, "denominator": denominator, "scoring": "rate",
            "direction": "up", "weight": weight}


INDICATORS = [
    rate("coverage", "服务覆盖率", "contractor_covered", "contractor_enterprises", 15),
    rate("on_time", "计划执行率", "contractor_visits_on_time", "contractor_visits_due", 15),
    rate("quality", "隐患发现质量", "contractor_findings_confirmed", "contractor_findings", 20),
    rate("closure", "整改闭环率", "contractor_findings_closed", "contractor_findings_open", 20),
    rate("reporting", "重大隐患2小时报告及时率", "contractor_majors_reported", "contractor_majors_due", 10),
    rate("reports", "报告质量（街道审核通过率）", "contractor_reports_passed", "contractor_reports_reviewed", 10),
    rate("satisfaction", "企业满意度", "contractor_survey_points", "contractor_survey_max", 10),
    {"key": "misses", "label": "漏判重大隐患（扣分）", "numerator": "contractor_missed_majors", "denominator": "",
     "scoring": "penalty", "per_item": "5", "weight": 0},
]


def seed(apps, schema_editor):
    Scheme = apps.get_model("governance", "Scheme")
    Indicator = apps.get_model("governance", "Indicator")
    if Scheme.objects.filter(subject_type="contractor", worker_kind="").exists():
        return
    scheme = Scheme.objects.create(subject_type="contractor", worker_kind="", name="第三方服务机构考核（百分制）",
                                   version=1, is_current=True, grades=PEOPLE, bonus_cap=5, note="预置方案")
    for order, row in enumerate(INDICATORS):
        Indicator.objects.create(scheme=scheme, order=order, **row)


def unseed(apps, schema_editor):
    Scheme = apps.get_model("governance", "Scheme")
    Scheme.objects.filter(subject_type="contractor", version=1, note="预置方案").delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0010_contractor_subject")]
    operations = [migrations.RunPython(seed, unseed)]
