"""Demo assessment: the demo's past months and last quarter scored and published, the current month
provisional, two cases not counted, a zone leader's comment, and two appeals (one adjusted after
the zone and street reviews, one upheld).

Everything goes through the services the pages use (exclude_case, publish_period,
compute_provisional, comment_on_sheet, submit_appeal, act), so the sheets, versions and
timelines are what the system itself writes. Runs after the case history and the contractors
(whose firms are scored too). Idempotent: a published period is left as it is, and the
exclusions, the comment and the appeals are made once.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from governance.assessment import appeals, services
from governance.assessment.choices import ExclusionReason, PeriodKind, SubjectType
from governance.assessment.models import Appeal, Exclusion, Period, ScoreSheet, SheetComment
from grids.choices import Role
from grids.models import User
from incidents.choices import Status
from incidents.models import Incident

PAST_MONTHS = 6
EXCLUSIONS = [
    (ExclusionReason.FORCE_MAJEURE, "暴雨红色预警期间无法施工，经街道批准不计入考核。"),
    (ExclusionReason.UNREASONABLE, "同一诉求人反复投诉已依法办结事项，经核实属无理投诉。"),
]


def _months_back(today: dt.date, n: int) -> dt.date:
    month = today.month - 1 - n
    return dt.date(today.year + month // 12, month % 12 + 1, 1)


def _street() -> User | None:
    return User.objects.filter(role=Role.STREET, is_active=True).order_by("username", "pk").first()


def _exclude_two(street: User, start: dt.date, end: dt.date, now: dt.datetime) -> int:
    if Exclusion.objects.exists():
        return 0
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    cases = list(Incident.objects.filter(status=Status.CLOSED, registered_at__gte=lo, registered_at__lt=hi)
                 .order_by("code")[:len(EXCLUSIONS)])
    for case, (reason, note) in zip(cases, EXCLUSIONS, strict=False):
        services.exclude_case(case.pk, actor=street, reason=reason, note=note, now=now)
    return len(cases)


def _publish(periods: list[Period], street: User, now: dt.datetime) -> int:
    published = 0
    for period in periods:  # oldest first: 优选劣汰 compares with the period before
        if not period.is_published:
            services.publish_period(period.pk, actor=street, now=now)
            published += 1
    return published


def _worker_sheets(period: Period, line_key: str) -> list[ScoreSheet]:
    """Grid workers' sheets whose line has something to count, best first (deterministic)."""
    sheets = ScoreSheet.objects.current().filter(period=period, subject_type=SubjectType.GRID_WORKER,
                                                 total__isnull=False).order_by("rank", "subject_id")
    return [s for s in sheets if (s.line(line_key) or {}).get("denominator")]


def _zone_leader(zone_id) -> User | None:
    return User.objects.filter(role=Role.ZONE_LEADER, zone_id=zone_id, is_active=True).order_by("username", "pk").first()


def _appeals(period: Period, street: User, at: list[dt.datetime]) -> dict[str, int]:
    """`at`: the moments of the story (submitted, zone opinion, street decision), in order."""
    if Appeal.objects.exists():
        return {}
    made = {"appeals": 0, "sheet versions": 0, "comments": 0}
    candidates = [s for s in _worker_sheets(period, "valid_report_rate") if _zone_leader(s.zone_id)]
    if len(candidates) < 2:
        return {}
    adjusted, upheld = candidates[-1], candidates[-2]  # the two lowest-ranked workers appeal
    leader = _zone_leader(adjusted.zone_id)
    worker = User.objects.get(pk=adjusted.subject_id)
    now, forward_at, decide_at = at
    if not SheetComment.objects.filter(sheet=adjusted).exists():
        services.comment_on_sheet(adjusted.pk, actor=leader, now=now,
                                  text="本月巡查上报数量偏少，无效上报集中在重复上报，请加强核实后再上报。")
        made["comments"] += 1
    one = appeals.submit_appeal(
        adjusted.pk, actor=worker, line_key="valid_report_rate", now=now,
        reason="其中两件被判无效的上报系与社区同时发现、由社区先行登记，并非虚报。",
        evidence="社区登记簿截图及上报时间记录（上报早于社区登记约十分钟）。")
    appeals.act(one.pk, actor=leader, action="forward", now=forward_at,
                params={"opinion": "经管区核实，上报时间早于社区登记，情况属实，建议调整。"})
    appeals.act(one.pk, actor=street, action="adjust", now=decide_at,
                params={"points": "90", "note": "认可管区意见，有效上报率得分调整为90分。"})
    made["appeals"] += 1
    made["sheet versions"] += 1
    other = User.objects.get(pk=upheld.subject_id)
    two = appeals.submit_appeal(
        upheld.pk, actor=other, line_key="valid_report_rate", now=now,
        reason="认为有效上报率计算有误。", evidence="本人记录的上报清单。")
    appeals.act(two.pk, actor=_zone_leader(upheld.zone_id), action="forward", now=forward_at,
                params={"opinion": "经核对，系统统计与上报记录一致。"})
    appeals.act(two.pk, actor=street, action="uphold", now=decide_at,
                params={"note": "统计无误，维持原评分。"})
    made["appeals"] += 1
    return made


def seed_assessment(*, stdout: TextIO | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Score the demo's last six months and last ended quarter (published), the current month
    (provisional); returns what was created."""
    now = now or timezone.now()
    street = _street()
    # the story of the last hours: publication, appeals, reviews; never before today (a month that
    # ended yesterday could not be published yesterday)
    today_start = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
    begin = max(now - dt.timedelta(hours=4), today_start)
    step = (now - begin) / 4
    moments = [begin + step * n for n in range(4)]
    if street is None or not Incident.objects.exists():
        return {}
    today = timezone.localdate(now)
    created: dict[str, int] = {}
    months = [services.period_for(PeriodKind.MONTH, _months_back(today, n)) for n in range(PAST_MONTHS, 0, -1)]
    quarter_start, _end = services.bounds(PeriodKind.QUARTER, today)
    quarter = services.period_for(PeriodKind.QUARTER, quarter_start - dt.timedelta(days=1))
    with transaction.atomic():
        created["cases not counted"] = _exclude_two(street, months[-1].start, months[-1].end, moments[0])
    with transaction.atomic():
        created["periods published"] = _publish([*months, quarter], street, moments[0])
    with transaction.atomic():
        current = services.period_for(PeriodKind.MONTH, today)
        if current.computed_at is None:
            services.compute_provisional(current.pk, now=moments[0])
            created["provisional periods"] = 1
    with transaction.atomic():
        created.update(_appeals(months[-1], street, moments[1:]))
    return {k: v for k, v in created.items() if v}
