"""Contracts, their scope and milestones; paying a milestone exactly once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from casework.errors import Refused
from contractors.choices import DEFAULT_WEIGHTS, Kpi
from contractors.models import Contract, ContractEnterprise, Milestone, ServiceFirm
from contractors.services.access import check_manager
from inspections.models import Enterprise


def clean_weights(weights: dict | None) -> dict:
    """Points per KPI line: whole or decimal numbers ≥ 0, adding up to 100."""
    if weights in (None, ""):
        return {str(k): v for k, v in DEFAULT_WEIGHTS.items()}
    if not isinstance(weights, dict) or set(map(str, weights)) != set(Kpi.values):
        raise ValidationError({"weights": _("Give points for each of: %(keys)s.") % {"keys": ", ".join(Kpi.values)}})
    out = {}
    for key, value in weights.items():
        try:
            points = Decimal(str(value))
        except ArithmeticError:
            raise ValidationError({"weights": _("Points are numbers.")}) from None
        if not points.is_finite() or points < 0:
            raise ValidationError({"weights": _("Points are numbers of zero or more.")})
        out[str(key)] = float(points)
    if abs(sum(out.values()) - 100) > 0.001:
        raise ValidationError({"weights": _("The points add up to 100.")})
    return out


@transaction.atomic
def create_contract(*, actor, firm, number, title, amount, starts_on: dt.date, ends_on: dt.date, deliverables="",
                    scope: dict | None = None, weights=None, pass_mark=None, withhold_percent=None,
                    milestones=()) -> Contract:
    """`scope` maps each enterprise (or its pk) to its visits a year; `milestones` are
    {title, amount, due_on, condition}, adding up to at most the amount."""
    check_manager(actor)
    firm = parsers.one_of(firm, ServiceFirm.objects.all(), field="firm", missing=_("Choose the firm."), unknown=_("Unknown firm."))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period ends before it starts.")})
    number = parsers.text(number, field="number", label=_("Contract number"), required=True, max_length=40)
    if Contract.objects.filter(number=number).exists():
        raise ValidationError({"number": _("This contract number is already used.")})
    contract = Contract.objects.create(
        firm=firm, number=number, title=parsers.text(title, field="title", label=_("Title"), required=True, max_length=200),
        amount=parsers.money(amount, field="amount"), starts_on=starts_on, ends_on=ends_on,
        deliverables=parsers.text(deliverables, field="deliverables", label=_("Deliverables")),
        weights=clean_weights(weights),
        **({"pass_mark": Decimal(str(pass_mark))} if pass_mark is not None else {}),
        **({"withhold_percent": Decimal(str(withhold_percent))} if withhold_percent is not None else {}))
    set_scope(contract, scope or {})
    total = Decimal("0")
    for row in milestones:
        amount_ = parsers.money(row.get("amount"), field="milestones")
        total += amount_
        Milestone.objects.create(contract=contract, title=str(row.get("title", ""))[:120] or _("Payment"), amount=amount_,
                                 due_on=row["due_on"], condition=str(row.get("condition", ""))[:300])
    if total > contract.amount:
        raise ValidationError({"milestones": _("The milestones add up to more than the contract amount.")})
    return contract


def set_scope(contract: Contract, scope: dict) -> None:
    ids = {int(getattr(e, "pk", e)): int(n) for e, n in scope.items()}
    known = set(Enterprise.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if known != set(ids):
        raise ValidationError({"scope": _("Unknown enterprise.")})
    if any(n < 1 or n > 52 for n in ids.values()):
        raise ValidationError({"scope": _("Between 1 and 52 visits a year.")})
    ContractEnterprise.objects.bulk_create(
        [ContractEnterprise(contract=contract, enterprise_id=pk, visits_per_year=n) for pk, n in ids.items()],
        ignore_conflicts=True)


def set_weights(pk, *, actor, weights: dict, pass_mark=None, withhold_percent=None) -> Contract:
    check_manager(actor)
    with transaction.atomic():
        contract = _locked(pk, actor)
        contract.weights = clean_weights(weights)
        if pass_mark not in (None, ""):
            contract.pass_mark = Decimal(str(parsers.decimal_number(pass_mark, field="pass_mark", low=0, high=100)))
        if withhold_percent not in (None, ""):
            contract.withhold_percent = Decimal(str(parsers.decimal_number(withhold_percent, field="withhold_percent",
                                                                           low=0, high=100)))
        contract.save(update_fields=["weights", "pass_mark", "withhold_percent"])
    return contract


def _locked(pk, actor) -> Contract:
    try:
        return Contract.objects.visible_to(actor).select_for_update().get(pk=pk)
    except (Contract.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def pay_milestone(pk, *, actor, now: dt.datetime | None = None) -> Milestone:
    """Mark a milestone paid, once. The contract row is locked (one payer per contract at a time)
    and the flip is a conditional UPDATE … WHERE paid_at IS NULL: a second payer, at the same
    instant or later, finds nothing to flip and is refused (409); the total paid never exceeds
    the contract amount."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            milestone = Milestone.objects.visible_to(actor).get(pk=pk)
        except (Milestone.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        check_manager(actor)  # the firm sees its milestones but does not pay itself
        contract = _locked(milestone.contract_id, actor)
        paid = Milestone.objects.filter(contract=contract, paid_at__isnull=False).aggregate(s=Sum("paid_amount"))["s"] or 0
        if paid + milestone.amount > contract.amount:
            raise Refused(_("Paying this would exceed the contract amount."), code="over_contract")
        flipped = Milestone.objects.filter(pk=milestone.pk, paid_at__isnull=True).update(
            paid_at=now, paid_by=actor, paid_amount=milestone.amount)
        if not flipped:
            raise Refused(_("This milestone is already paid."), code="already_paid")
    milestone.refresh_from_db()
    return milestone
