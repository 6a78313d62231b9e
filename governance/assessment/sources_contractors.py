"""The contractor measure source: the contractors' scorecard (SAFETY.md §8.4) as assessment counts.

A service firm (contractors.ServiceFirm) is assessed on the scorecard of every contract it ran
during the period. Each scorecard line is a pair of row sets (contractors.selectors.scorecard:
`rows(contract, period, key)` → all rows, counted rows); this source counts those very rows, per
contract, and adds them up per firm, so an assessment line and the scorecard's drill-down list
the same visits, findings and enterprises. Two measures are sums rather than row counts:
satisfaction (the survey scores against 5 points per survey) and the major hazards missed at
spot checks (漏判, the scheme's uncapped penalty).

Grouping is by firm only (`group` must be "firm"). The work is a few queries per contract and
measure; a sub-district runs a handful of contracts, so that stays small.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Model, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contractors.choices import Kpi
from contractors.models import Contract, ContractEnterprise, Finding, ServiceFirm, SpotCheck, Visit
from contractors.selectors import scorecard as cards

SURVEY_MAX = 5  # the survey's scale is 1–5


@dataclass(frozen=True)
class ContractorMeasure:
    key: str
    label: Promise
    help: Promise
    kpi: str  # the scorecard line (or "misses")
    counted: bool  # the line's counted rows (True) or all its rows (False)
    model: type[Model]


def _m(key, label, help_, kpi, counted, model) -> ContractorMeasure:
    return ContractorMeasure(key, label, help_, kpi, counted, model)


CONTRACTOR_MEASURES: dict[str, ContractorMeasure] = {m.key: m for m in [
    _m("contractor_enterprises", _("Enterprises contracted"), _("Enterprises in the scope of the firm's contracts."),
       Kpi.COVERAGE, False, ContractEnterprise),
    _m("contractor_covered", _("Enterprises served"),
       _("Contracted enterprises with at least one accepted visit in the period (服务覆盖)."), Kpi.COVERAGE, True,
       ContractEnterprise),
    _m("contractor_visits_due", _("Visits planned and due"),
       _("Visits planned in the period whose grace days are over (not cancelled)."), Kpi.ON_TIME, False, Visit),
    _m("contractor_visits_on_time", _("Visits done on time"),
       _("Of the visits due: done, not flagged, by the planned day plus the grace days (计划执行)."), Kpi.ON_TIME, True,
       Visit),
    _m("contractor_findings", _("Hazards found by the firm"), _("Hazards the firm found in the period."),
       Kpi.QUALITY, False, Finding),
    _m("contractor_findings_confirmed", _("Hazards found and confirmed"),
       _("Of the hazards the firm found in the period: those confirmed (隐患发现质量)."), Kpi.QUALITY, True, Finding),
    _m("contractor_findings_open", _("Found hazards open in the period"),
       _("Hazards the firm found that were open at some time in the period (not voided)."), Kpi.CLOSURE, False, Finding),
    _m("contractor_findings_closed", _("Found hazards closed"),
       _("Of those: closed in the period (整改闭环)."), Kpi.CLOSURE, True, Finding),
    _m("contractor_majors_due", _("Major hazards to report"),
       _("Major hazards found whose 2 hours to report ended in the period."), Kpi.REPORTING, False, Finding),
    _m("contractor_majors_reported", _("Major hazards reported within 2 h"),
       _("Of those: reported in time (重大隐患2小时报告)."), Kpi.REPORTING, True, Finding),
    _m("contractor_reports_reviewed", _("Reports reviewed"),
       _("Visit reports finished in the period and reviewed by the sub-district."), Kpi.REPORTS, False, Visit),
    _m("contractor_reports_passed", _("Reports passed"), _("Of those: passed the review."), Kpi.REPORTS, True, Visit),
    _m("contractor_survey_max", _("Survey points possible"),
       _("5 points for each visit finished in the period with an enterprise survey."), Kpi.SATISFACTION, False, Visit),
    _m("contractor_survey_points", _("Survey points given"),
       _("The enterprises' survey scores (1–5) of those visits, added up (企业满意度)."), Kpi.SATISFACTION, True, Visit),
    _m("contractor_missed_majors", _("Major hazards missed"),
       _("Major hazards a government spot check found in the period at an enterprise the firm had visited (漏判)."),
       "misses", True, SpotCheck),
]}


def _rows(contract: Contract, period: cards.Period, measure: ContractorMeasure) -> QuerySet:
    if measure.kpi == "misses":
        return cards.miss_rows(contract, period)
    base, counted = cards.rows(contract, period, measure.kpi)
    return counted if measure.counted else base


def _amount(rows: QuerySet, measure: ContractorMeasure) -> int:
    if measure.key == "contractor_survey_points":
        return rows.aggregate(n=Sum("survey_score"))["n"] or 0
    if measure.key == "contractor_survey_max":
        return SURVEY_MAX * rows.aggregate(n=Count("pk"))["n"]
    if measure.key == "contractor_missed_majors":
        return rows.aggregate(n=Sum("missed_major"))["n"] or 0
    return rows.count()


def card_period(period) -> cards.Period:
    """The scorecard's period for an assessment period (any whole days, not only a quarter)."""
    return cards.Period(period.start, period.end)


class ContractorSource:
    """Service firms: the scorecard lines of their contracts running in the period."""

    name = "contractors"

    def measure(self, key: str) -> ContractorMeasure:
        return CONTRACTOR_MEASURES[key]

    def model(self, key: str) -> type[Model]:
        return CONTRACTOR_MEASURES[key].model

    @staticmethod
    def _contracts(period: cards.Period) -> list[Contract]:
        return list(cards.contracts_in(period))

    @staticmethod
    def _check(group: str) -> None:
        if group != "firm":
            raise ValueError(f"contractor measures group by firm, not {group!r}")

    def counts(self, keys: Iterable[str], period, group: str) -> dict:
        self._check(group)
        keys = list(keys)
        p = card_period(period)
        out: dict = {}
        for contract in self._contracts(p) if keys else []:
            row = out.setdefault(contract.firm_id, {})
            for key in keys:
                row[key] = row.get(key, 0) + _amount(_rows(contract, p, self.measure(key)), self.measure(key))
        return out

    def members(self, keys: Iterable[str], period, group: str) -> dict:
        self._check(group)
        keys = list(keys)
        p = card_period(period)
        out: dict = {}
        for contract in self._contracts(p) if keys else []:
            row = out.setdefault(contract.firm_id, {})
            for key in keys:
                ids = _rows(contract, p, self.measure(key)).order_by("pk").values_list("pk", flat=True)
                row.setdefault(key, []).extend(ids)
        return out


def firms() -> list[tuple[int, str]]:
    """The subjects: every active service firm (one without a contract in the period has no score)."""
    return list(ServiceFirm.objects.filter(is_active=True).order_by("name", "pk").values_list("pk", "name"))


def line_rows(user, line: dict) -> QuerySet:
    """The rows behind a contractor line (one model per line), as far as the user may see them."""
    model = CONTRACTOR_MEASURES[line["numerator_metric"]].model
    ids = sorted(set(line["num_ids"]) | set(line["den_ids"]))
    related = ["contract"] + (["enterprise"] if model in (ContractEnterprise, Visit, SpotCheck) else ["hazard"])
    return model.objects.visible_to(user).filter(pk__in=ids).select_related(*related).order_by("pk")
