"""Service plans: one per enterprise per contract, each change a new version; the plan's visit
dates become planned visits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from contractors.choices import VisitEventKind, VisitStatus
from contractors.models import Contract, ContractEnterprise, PlanVersion, ServicePlan, Visit, VisitEvent
from inspections.models import ChecklistTemplate

MAX_VISIT_DATES = 60


def _dates(values, contract: Contract) -> list[dt.date]:
    out = set()
    for value in values or []:
        day = value if isinstance(value, dt.date) else None
        if day is None:
            try:
                day = dt.date.fromisoformat(str(value))
            except ValueError:
                raise ValidationError({"visit_dates": _("Dates as YYYY-MM-DD.")}) from None
        if not contract.starts_on <= day <= contract.ends_on:
            raise ValidationError({"visit_dates": _("Every visit falls within the contract's period.")})
        out.add(day)
    if len(out) > MAX_VISIT_DATES:
        raise ValidationError({"visit_dates": _("At most %(n)s visits.") % {"n": MAX_VISIT_DATES}})
    return sorted(out)


def default_dates(contract: Contract, visits_per_year: int, *, offset_days: int = 0) -> list[dt.date]:
    """Visits spread evenly over the contract's period, each enterprise shifted within the interval
    by `offset_days` so the firm's visits do not all fall on one day (a plan may set its own)."""
    days = (contract.ends_on - contract.starts_on).days + 1
    count = max(1, round(visits_per_year * days / 365))
    step = days // count
    shift = offset_days % max(1, step)
    return [contract.starts_on + dt.timedelta(days=min(days - 1, step * i + shift)) for i in range(count)]


def _version(plan: ServicePlan, number: int, *, actor, now, risks, templates, visit_dates, training, targets, note) -> PlanVersion:
    version = PlanVersion.objects.create(
        plan=plan, number=number, created_by=actor, created_at=now, visit_dates=[d.isoformat() for d in visit_dates],
        risks=parsers.text(risks, field="risks", label=_("Risks")),
        training=parsers.text(training, field="training", label=_("Training")),
        targets=parsers.text(targets, field="targets", label=_("Targets")),
        note=parsers.text(note, field="note", label=_("What changed"), max_length=300))
    if templates:
        chosen = list(ChecklistTemplate.objects.filter(pk__in=[getattr(t, "pk", t) for t in templates]))
        if len(chosen) != len(set(templates)):
            raise ValidationError({"templates": _("Unknown checklist.")})
        version.templates.set(chosen)
    return version


def _plan_visits(plan: ServicePlan, dates: list[dt.date], *, actor, now) -> int:
    # a cancelled visit does not hold its day: a date dropped and planned again gets a new visit
    have = set(plan.visits.exclude(status=VisitStatus.CANCELLED).values_list("planned_on", flat=True))
    new = [Visit(plan=plan, contract_id=plan.contract_id, firm_id=plan.contract.firm_id, enterprise_id=plan.enterprise_id,
                 planned_on=day, status=VisitStatus.PLANNED) for day in dates if day not in have]
    created = Visit.objects.bulk_create(new)
    VisitEvent.objects.bulk_create(VisitEvent(visit=v, kind=VisitEventKind.PLAN, actor=actor, to_status=VisitStatus.PLANNED,
                                              created_at=now) for v in created)
    return len(created)


def create_plan(*, actor, contract, enterprise, risks="", templates=(), visit_dates=None, training="", targets="",
                now: dt.datetime | None = None) -> ServicePlan:
    """The plan of one enterprise in the contract's scope, by the firm's staff or the office."""
    from contractors.services.access import may_manage, staff_row

    now = now or timezone.now()
    contract = parsers.one_of(contract, Contract.objects.visible_to(actor).select_related("firm"), field="contract",
                              missing=_("Choose the contract."), unknown=_("Unknown contract."))
    if not (may_manage(actor) or staff_row(actor, contract.firm_id)):
        raise Http404
    row = ContractEnterprise.objects.filter(contract=contract, enterprise=getattr(enterprise, "pk", enterprise)).first()
    if row is None:
        raise ValidationError({"enterprise": _("The enterprise is not in the contract's scope.")})
    dates = _dates(visit_dates, contract) if visit_dates is not None else default_dates(contract, row.visits_per_year,
                                                                                          offset_days=row.enterprise_id)
    try:
        with transaction.atomic():
            plan = ServicePlan.objects.create(contract=contract, enterprise_id=row.enterprise_id)
            plan.current = _version(plan, 1, actor=actor, now=now, risks=risks, templates=templates, visit_dates=dates,
                                    training=training, targets=targets, note="")
            plan.save(update_fields=["current"])
            _plan_visits(plan, dates, actor=actor, now=now)
    except IntegrityError:
        raise ValidationError({"enterprise": _("This enterprise already has a plan under this contract.")}) from None
    return plan


def revise_plan(pk, *, actor, note, now: dt.datetime | None = None, **changes) -> ServicePlan:
    """A new version with the changes; the old versions stay. New visit dates add planned visits;
    planned visits whose date left the schedule are cancelled (done ones are history)."""
    from contractors.services.access import may_manage, staff_row

    now = now or timezone.now()
    with transaction.atomic():
        try:
            plan = ServicePlan.objects.visible_to(actor).select_for_update(of=("self",)).select_related(
                "current", "contract").get(pk=pk)
        except (ServicePlan.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        if not (may_manage(actor) or staff_row(actor, plan.contract.firm_id)):
            raise Http404
        old = plan.current
        dates = (_dates(changes["visit_dates"], plan.contract) if "visit_dates" in changes
                 else [dt.date.fromisoformat(d) for d in old.visit_dates])
        templates = changes.get("templates", list(old.templates.values_list("pk", flat=True)))
        plan.current = _version(
            plan, old.number + 1, actor=actor, now=now, visit_dates=dates, templates=templates,
            note=parsers.text(note, field="note", label=_("What changed"), required=True, max_length=300),
            **{k: changes.get(k, getattr(old, k)) for k in ("risks", "training", "targets")})
        plan.save(update_fields=["current"])
        _plan_visits(plan, dates, actor=actor, now=now)
        # only days still ahead are dropped; a planned day already past stays, and counts as missed
        gone = plan.visits.filter(status=VisitStatus.PLANNED, planned_on__gt=timezone.localdate(now)).exclude(planned_on__in=dates)
        for visit in gone:
            VisitEvent.objects.create(visit=visit, kind=VisitEventKind.CANCEL, actor=actor, from_status=VisitStatus.PLANNED,
                                      to_status=VisitStatus.CANCELLED, note=plan.current.note, created_at=now)
        gone.update(status=VisitStatus.CANCELLED)
    return plan
