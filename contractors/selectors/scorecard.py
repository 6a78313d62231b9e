"""The scorecard of a contract over a period (a quarter by default): SAFETY.md §8.4's 100 points.

Each line is a `Line`: its numerator and denominator are counts of the rows its drill-down lists
(`rows(key)` gives the queryset behind a line), so a line and its drill-down cannot disagree. A
line with nothing to measure (no major hazard found, no report reviewed) scores its full points
and says so. Finding quality loses `miss_penalty` points for each major hazard a spot check found
at an enterprise the firm had visited (漏判), uncapped within the line (it may go below zero);
the total is floored at zero. The pay consequence follows the contract's rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DateField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contractors.choices import ON_TIME_GRACE_DAYS, Kpi, ReportReview, VisitStatus
from contractors.models import Contract, ContractEnterprise, Finding, SpotCheck, Visit
from contractors.models.visits import ACCEPTED
from inspections.choices import HazardStatus

TWO = Decimal("0.01")
UNDECIDED = (HazardStatus.RECORDED, HazardStatus.VOID)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def quarter_of(cls, day: dt.date) -> Period:
        first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        nxt = dt.date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
        return cls(first, nxt - dt.timedelta(days=1))

    @classmethod
    def parse(cls, text: str | None, *, today: dt.date | None = None) -> Period:
        """"2026Q3" → that quarter; anything else: the current quarter."""
        today = today or timezone.localdate()
        try:
            year, quarter = str(text).upper().split("Q")
            year_, quarter_ = int(year), int(quarter)
            if 2000 <= year_ <= 2100 and 1 <= quarter_ <= 4:
                return cls.quarter_of(dt.date(year_, 3 * quarter_ - 2, 1))
        except (ValueError, AttributeError):
            pass
        return cls.quarter_of(today)

    @property
    def label(self) -> str:
        return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"

    def previous(self) -> Period:
        return Period.quarter_of(self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return Period.quarter_of(self.end + dt.timedelta(days=1))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        begin = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        return begin, dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class Line:
    key: str
    label: str
    weight: Decimal
    numerator: int
    denominator: int
    score: Decimal
    penalty: Decimal = Decimal("0")
    measured: bool = True
    average: Decimal | None = None  # satisfaction: the mean score 1–5

    @property
    def rate(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / self.denominator).quantize(Decimal("0.1"))


@dataclass
class Scorecard:
    contract: Contract
    period: Period
    lines: list[Line] = field(default_factory=list)
    misses: int = 0
    period_cost: Decimal = Decimal("0")
    enterprises: int = 0
    covered: int = 0
    closed: int = 0

    @property
    def total(self) -> Decimal:
        return max(Decimal("0"), sum((line.score for line in self.lines), Decimal("0"))).quantize(TWO)

    @property
    def withheld(self) -> Decimal:
        if self.total >= self.contract.pass_mark:
            return Decimal("0.00")
        return (self.period_cost * self.contract.withhold_percent / 100).quantize(TWO, ROUND_HALF_UP)

    @property
    def payable(self) -> Decimal:
        return (self.period_cost - self.withheld).quantize(TWO)

    @property
    def cost_per_enterprise(self) -> Decimal | None:
        return (self.period_cost / self.enterprises).quantize(TWO) if self.enterprises else None

    @property
    def cost_per_closed(self) -> Decimal | None:
        return (self.period_cost / self.closed).quantize(TWO) if self.closed else None

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)


LABELS = {key: label for key, label in Kpi.choices}
DRILL_LABELS = {
    Kpi.COVERAGE: _("Enterprises served, with the accepted visits in the period"),
    Kpi.ON_TIME: _("Visits planned in the period and due by now"),
    Kpi.QUALITY: _("Hazards found in the period"),
    Kpi.CLOSURE: _("Hazards found and open during the period"),
    Kpi.REPORTING: _("Major hazards whose 2 hours ended in the period"),
    Kpi.REPORTS: _("Reports reviewed, of visits finished in the period"),
    Kpi.SATISFACTION: _("Visits finished in the period with a survey"),
}


# --- the rows behind each line: (all rows, the rows counted in the numerator) -------------------

def _accepted_visit(contract: Contract, period: Period) -> QuerySet:
    begin, end = period.bounds()
    return Visit.objects.filter(ACCEPTED, contract=contract, ended_at__gte=begin, ended_at__lt=end)


def coverage_rows(contract: Contract, period: Period) -> tuple[QuerySet, QuerySet]:
    base = ContractEnterprise.objects.filter(contract=contract)
    visited = _accepted_visit(contract, period).filter(enterprise_id=OuterRef("enterprise_id"))
    return base, base.filter(Exists(visited))


def on_time_rows(contract: Contract, period: Period) -> tuple[QuerySet, QuerySet]:
    # only the visits already due: planned in the period and their grace days over (a quarter
    # under way does not count next month's visits as missed)
    cutoff = min(period.end, timezone.localdate() - dt.timedelta(days=ON_TIME_GRACE_DAYS))
    base = Visit.objects.filter(contract=contract, planned_on__gte=period.start, planned_on__lte=cutoff).exclude(
        status=VisitStatus.CANCELLED)
    # done (not flagged) by the end of its planned day plus the grace days, in local time
    on_time = base.filter(ACCEPTED).annotate(
        ended_day=TruncDate("ended_at")).filter(ended_day__lte=ExpressionWrapper(
            F("planned_on") + dt.timedelta(days=ON_TIME_GRACE_DAYS), output_field=DateField()))
    return base, on_time


def quality_rows(contract: Contract, period: Period) -> tuple[QuerySet, QuerySet]:
    begin, end = period.bounds()
    base = Finding.objects.filter(contract=contract, found_at__gte=begin, found_at__lt=end)
    return base, base.exclude(hazard__status__in=UNDECIDED)


def miss_rows(contract: Contract, period: Period) -> QuerySet:
    begin, end = period.bounds()
    return SpotCheck.objects.filter(contract=contract, checked_at__gte=begin, checked_at__lt=end, missed_major__gt=0)


def closure_rows(contract: Contract, period: Period) -> tuple[QuerySet, QuerySet]:
    begin, end = period.bounds()
    base = (Finding.objects.filter(contract=contract, found_at__lt=end).exclude(hazard__status=HazardStatus.VOID)
            .filter(Q(hazard__closed_at__isnull=True) | Q(hazard__closed_at__gte=begin)))
    return base, base.filter(hazard__closed_at__gte=begin, hazard__closed_at__lt=end)


def reporting_rows(contract: Contract, period: Period) -> tuple[QuerySet, QuerySet]:
    begin, end = period.bounds()
    base = Finding.objects.filter(contract=contract, major=True, report_due_at__gte=begin, report_due_at__lt=end)
    return base, base.filter(reported_at__isnull=False, late=False)


def reports_rows(contract: Contract, period: Period) -> tuple[QuerySet, QuerySet]:
    begin, end = period.bounds()
    base = Visit.objects.filter(contract=contract, status=VisitStatus.DONE, ended_at__gte=begin, ended_at__lt=end).exclude(
        report_review="")
    return base, base.filter(report_review=ReportReview.PASSED)


def satisfaction_rows(contract: Contract, period: Period) -> tuple[QuerySet, QuerySet]:
    begin, end = period.bounds()
    base = Visit.objects.filter(contract=contract, status=VisitStatus.DONE, ended_at__gte=begin, ended_at__lt=end,
                                survey_score__isnull=False)
    return base, base


ROWS = {
    Kpi.COVERAGE: coverage_rows, Kpi.ON_TIME: on_time_rows, Kpi.QUALITY: quality_rows, Kpi.CLOSURE: closure_rows,
    Kpi.REPORTING: reporting_rows, Kpi.REPORTS: reports_rows, Kpi.SATISFACTION: satisfaction_rows,
}


def rows(contract: Contract, period: Period, key: str) -> tuple[QuerySet, QuerySet]:
    return ROWS[key](contract, period)


def _ratio_line(key: str, weight: Decimal, numerator: int, denominator: int, *, empty_full: bool = True) -> Line:
    if not denominator:
        score = weight if empty_full else Decimal("0")
        return Line(key, LABELS[key], weight, 0, 0, score.quantize(TWO), measured=False)
    return Line(key, LABELS[key], weight, numerator, denominator, (weight * numerator / denominator).quantize(TWO))


def _counts(pair: tuple[QuerySet, QuerySet]) -> tuple[int, int]:
    base, counted = pair
    return counted.count(), base.count()


def _period_cost(contract: Contract, period: Period) -> Decimal:
    start, end = max(contract.starts_on, period.start), min(contract.ends_on, period.end)
    if end < start:
        return Decimal("0.00")
    days = (contract.ends_on - contract.starts_on).days + 1
    return (contract.amount * ((end - start).days + 1) / days).quantize(TWO, ROUND_HALF_UP)


def scorecard(contract: Contract, period: Period) -> Scorecard:
    """About a dozen aggregate queries, none growing with the rows."""
    card = Scorecard(contract=contract, period=period, period_cost=_period_cost(contract, period))
    w = contract.weight
    covered, enterprises = _counts(coverage_rows(contract, period))
    card.enterprises, card.covered = enterprises, covered
    card.lines.append(_ratio_line(Kpi.COVERAGE, w(Kpi.COVERAGE), covered, enterprises, empty_full=False))
    card.lines.append(_ratio_line(Kpi.ON_TIME, w(Kpi.ON_TIME), *_counts(on_time_rows(contract, period))))
    quality = _ratio_line(Kpi.QUALITY, w(Kpi.QUALITY), *_counts(quality_rows(contract, period)))
    card.misses = sum(miss_rows(contract, period).values_list("missed_major", flat=True))
    if card.misses:
        quality.penalty = (contract.miss_penalty * card.misses).quantize(TWO)
        quality.score = (quality.score - quality.penalty).quantize(TWO)
    card.lines.append(quality)
    closed, open_ = _counts(closure_rows(contract, period))
    card.closed = closed
    card.lines.append(_ratio_line(Kpi.CLOSURE, w(Kpi.CLOSURE), closed, open_))
    card.lines.append(_ratio_line(Kpi.REPORTING, w(Kpi.REPORTING), *_counts(reporting_rows(contract, period))))
    card.lines.append(_ratio_line(Kpi.REPORTS, w(Kpi.REPORTS), *_counts(reports_rows(contract, period))))
    surveyed = satisfaction_rows(contract, period)[0].aggregate(n=Count("pk"), avg=Avg("survey_score"))
    if surveyed["n"]:
        mean = Decimal(str(surveyed["avg"]))
        line = Line(Kpi.SATISFACTION, LABELS[Kpi.SATISFACTION], w(Kpi.SATISFACTION), surveyed["n"], surveyed["n"],
                    (w(Kpi.SATISFACTION) * mean / 5).quantize(TWO), average=mean.quantize(TWO))
    else:
        line = _ratio_line(Kpi.SATISFACTION, w(Kpi.SATISFACTION), 0, 0)
    card.lines.append(line)
    return card


def contracts_in(period: Period, queryset: QuerySet | None = None) -> QuerySet:
    """The contracts running during the period (each firm's scorecard is its contracts')."""
    queryset = queryset if queryset is not None else Contract.objects.all()
    return queryset.filter(starts_on__lte=period.end, ends_on__gte=period.start).select_related("firm").order_by(
        "firm__name", "number")
