"""Spot checks by the sub-district: draw a random sample of the enterprises a firm visited in the
last 30 days, re-inspect, and count the major hazards its visit missed (漏判)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from casework.errors import Refused
from contractors.choices import SPOT_CHECK_WINDOW_DAYS, SpotCheckResult, VisitStatus
from contractors.models import Contract, SpotCheck, Visit
from contractors.services.access import check_manager
from inspections.choices import HazardLevel, HazardStatus
from inspections.models import Hazard

MAX_SAMPLE = 100


def draw_sample(*, actor, contract, size: int = 20, seed: int | None = None, now: datetime | None = None) -> list[SpotCheck]:
    """`size` enterprises drawn at random (Yuhang draws 20) among those with a finished visit in the
    last 30 days, each with the firm's latest such visit."""
    check_manager(actor)
    now = now or timezone.now()
    size = parsers.whole_number(size, field="size", low=1, high=MAX_SAMPLE, not_a_number=_("A whole number."),
                                out_of_range=_("Between 1 and %(n)s.") % {"n": MAX_SAMPLE})
    contract = parsers.one_of(contract, Contract.objects.visible_to(actor), field="contract", missing=_("Choose the contract."),
                              unknown=_("Unknown contract."))
    since = now - timedelta(days=SPOT_CHECK_WINDOW_DAYS)
    latest = dict(Visit.objects.filter(contract=contract, status=VisitStatus.DONE, ended_at__gte=since, ended_at__lte=now)
                  .values("enterprise_id").annotate(last=Max("pk")).values_list("enterprise_id", "last"))
    if not latest:
        raise Refused(_("The firm has no finished visit in the last 30 days."), code="nothing_to_draw")
    rng = random.Random(seed)
    chosen = rng.sample(sorted(latest), min(size, len(latest)))
    label = f"{timezone.localtime(now):%Y-%m-%d %H:%M}"
    with transaction.atomic():
        return SpotCheck.objects.bulk_create(
            SpotCheck(firm_id=contract.firm_id, contract=contract, enterprise_id=e, visit_id=latest[e], sample=label,
                      drawn_at=now, drawn_by=actor) for e in chosen)


def record_spot_check(pk, *, actor, hazards=(), note="", now: datetime | None = None) -> SpotCheck:
    """The re-inspection's result: the hazards the office found there (recorded through the hazard
    services). Each major one the firm did not find on its visit is a miss against it."""
    check_manager(actor)
    now = now or timezone.now()
    with transaction.atomic():
        try:
            check = SpotCheck.objects.visible_to(actor).select_for_update(of=("self",)).select_related("visit").get(pk=pk)
        except (SpotCheck.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        if check.checked_at is not None:
            raise Refused(_("This spot check is recorded already."), code="checked")
        try:
            ids = {parsers.pk_of(h) for h in hazards}
        except ValueError:
            raise ValidationError({"hazards": _("Each hazard is one found at this enterprise.")}) from None
        found = list(Hazard.objects.visible_to(actor).filter(pk__in=ids, enterprise_id=check.enterprise_id)
                     .exclude(status=HazardStatus.VOID).select_related("finding"))
        if len(found) != len(ids):
            raise ValidationError({"hazards": _("Each hazard is one found at this enterprise.")})
        missed = [h for h in found if h.shown_level == HazardLevel.MAJOR and not hasattr(h, "finding")]
        check.hazards.set(found)
        check.missed_major = len(missed)
        check.result = SpotCheckResult.FAILED if missed else SpotCheckResult.PASSED
        check.checked_at, check.checked_by = now, actor
        check.note = parsers.text(note, field="note", label=_("Note"))
        check.save(update_fields=["missed_major", "result", "checked_at", "checked_by", "note"])
    return check
