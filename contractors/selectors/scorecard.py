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


# --- the rows behind each line: (all rows, the condition of the rows counted in the numerator) ---
# `rows(key)` gives the drill-down's querysets (all rows, base.filter(condition)); the card counts
# both in one aggregate over the same base with the same condition, so they cannot disagree.

def _accepted_visit(contract: Contract, period: Period) -> QuerySet:
    begin, end = period.bounds()
    return Visit.objects.filter(ACCEPTED, contract=contract, ended_at__gte=begin, ended_at__lt=end)


def coverage_spec(contract: Contract, period: Period) -> tuple[QuerySet, Q]:
    visited = _accepted_visit(contract, period).filter(enterprise_id=OuterRef("enterprise_id"))
    return ContractEnterprise.objects.filter(contract=contract), Q(Exists(visited))


def on_time_spec(contract: Contract, period: Period) -> tuple[QuerySet, Q]:
    # only the visits already due: planned in the period and their grace days over (a quarter
    # under way does not count next month's visits as missed)
    cutoff = min(period.end, timezone.localdate() - dt.timedelta(days=ON_TIME_GRACE_DAYS))
    base = Visit.objects.filter(contract=contract, planned_on__gte=period.start, planned_on__lte=cutoff).exclude(
        status=VisitStatus.CANCELLED).annotate(
        ended_day=TruncDate("ended_at"),
        due_day=ExpressionWrapper(F("planned_on") + dt.timedelta(days=ON_TIME_GRACE_DAYS), output_field=DateField()))
    # done (not flagged, or accepted anyway) by the end of its planned day plus the grace days, in local time
    return base, ACCEPTED & Q(ended_day__lte=F("due_day"))


def quality_spec(contract: Contract, period: Period) -> tuple[QuerySet, Q]:
    begin, end = period.bounds()
    return Finding.objects.filter(contract=contract, found_at__gte=begin, found_at__lt=end), ~Q(hazard__status__in=UNDECIDED)


def miss_rows(contract: Contract, period: Period) -> QuerySet:
    begin, end = period.bounds()
    return SpotCheck.objects.filter(contract=contract, checked_at__gte=begin, checked_at__lt=end, missed_major__gt=0)


def closure_spec(contract: Contract, period: Period) -> tuple[QuerySet, Q]:
    begin, end = period.bounds()
    base = (Finding.objects.filter(contract=contract, found_at__lt=end).exclude(hazard__status=HazardStatus.VOID)
            .filter(Q(hazard__closed_at__isnull=True) | Q(hazard__closed_at__gte=begin)))
    return base, Q(hazard__closed_at__gte=begin, hazard__closed_at__lt=end)


def reporting_spec(contract: Contract, period: Period) -> tuple[QuerySet, Q]:
    begin, end = period.bounds()
    base = Finding.objects.filter(contract=contract, major=True, report_due_at__gte=begin, report_due_at__lt=end)
    return base, Q(reported_at__isnull=False, late=False)


def reports_spec(contract: Contract, period: Period) -> tuple[QuerySet, Q]:
    begin, end = period.bounds()
    base = Visit.objects.filter(contract=contract, status=VisitStatus.DONE, ended_at__gte=begin, ended_at__lt=end).exclude(
        report_review="")
    return base, Q(report_review=ReportReview.PASSED)


def satisfaction_spec(contract: Contract, period: Period) -> tuple[QuerySet, Q]:
    begin, end = period.bounds()
    base = Visit.objects.filter(contract=contract, status=VisitStatus.DONE, ended_at__gte=begin, ended_at__lt=end,
                                survey_score__isnull=False)
    return base, Q()


SPECS = {
    Kpi.COVERAGE: coverage_spec, Kpi.ON_TIME: on_time_spec, Kpi.QUALITY: quality_spec, Kpi.CLOSURE: closure_spec,
    Kpi.REPORTING: reporting_spec, Kpi.REPORTS: reports_spec, Kpi.SATISFACTION: satisfaction_spec,
}


def rows(contract: Contract, period: Period, key: str) -> tuple[QuerySet, QuerySet]:
    base, condition = SPECS[key](contract, period)
    return base, base.filter(condition)


def _ratio_line(key: str, weight: Decimal, numerator: int, denominator: int, *, empty_full: bool = True) -> Line:
    if not denominator:
        score = weight if empty_full else Decimal("0")
        return Line(key, LABELS[key], weight, 0, 0, score.quantize(TWO), measured=False)
    return Line(key, LABELS[key], weight, numerator, denominator, (weight * numerator / denominator).quantize(TWO))


def _counts(spec: tuple[QuerySet, Q]) -> dict:
    """{"counted", "all"} of a line in one query: the numerator is a filtered count over the base."""
    base, condition = spec
    return base.aggregate(all=Count("pk"), counted=Count("pk", filter=condition) if condition else Count("pk"))


def _period_cost(contract: Contract, period: Period) -> Decimal:
    start, end = max(contract.starts_on, period.start), min(contract.ends_on, period.end)
    if end < start:
        return Decimal("0.00")
    days = (contract.ends_on - contract.starts_on).days + 1
    return (contract.amount * ((end - start).days + 1) / days).quantize(TWO, ROUND_HALF_UP)


def scorecard(contract: Contract, period: Period) -> Scorecard:
    """Eight aggregate queries (one per line, and the misses), none growing with the rows."""
    card = Scorecard(contract=contract, period=period, period_cost=_period_cost(contract, period))
    w = contract.weight

    def line(key: str, **options) -> Line:
        got = _counts(SPECS[key](contract, period))
        return _ratio_line(key, w(key), got["counted"], got["all"], **options)

    coverage = line(Kpi.COVERAGE, empty_full=False)
    card.enterprises, card.covered = coverage.denominator, coverage.numerator
    card.lines.append(coverage)
    card.lines.append(line(Kpi.ON_TIME))
    quality = line(Kpi.QUALITY)
    card.misses = sum(miss_rows(contract, period).values_list("missed_major", flat=True))
    if card.misses:
        quality.penalty = (contract.miss_penalty * card.misses).quantize(TWO)
        quality.score = (quality.score - quality.penalty).quantize(TWO)
    card.lines.append(quality)
    closure = line(Kpi.CLOSURE)
    card.closed = closure.numerator
    card.lines.append(closure)
    card.lines.append(line(Kpi.REPORTING))
    card.lines.append(line(Kpi.REPORTS))
    surveyed = satisfaction_spec(contract, period)[0].aggregate(n=Count("pk"), avg=Avg("survey_score"))
    if surveyed["n"]:
        mean = Decimal(str(surveyed["avg"]))
        satisfaction = Line(Kpi.SATISFACTION, LABELS[Kpi.SATISFACTION], w(Kpi.SATISFACTION), surveyed["n"], surveyed["n"],
                            (w(Kpi.SATISFACTION) * mean / 5).quantize(TWO), average=mean.quantize(TWO))
    else:
        satisfaction = _ratio_line(Kpi.SATISFACTION, w(Kpi.SATISFACTION), 0, 0)
    card.lines.append(satisfaction)
    return card


def contracts_in(period: Period, queryset: QuerySet | None = None) -> QuerySet:
    """The contracts running during the period (each firm's scorecard is its contracts')."""
    queryset = queryset if queryset is not None else Contract.objects.all()
    return queryset.filter(starts_on__lte=period.end, ends_on__gte=period.start).select_related("firm").order_by(
        "firm__name", "number")
