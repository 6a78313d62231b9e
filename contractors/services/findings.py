"""Hazards found on a visit, and the 2-hour reporting of the major ones.

The hazard itself is recorded by inspections' hazard service (`record_found_hazard`): the same
numbering, timeline and rectification loop as every other hazard, the visiting staff member as
its reporter. This module adds only what is the firm's: the link to the visit and, for a major
hazard, the deadline to report it to the authority (SAFETY.md §3: within 2 hours). The deadline
is data (`report_due_at`); `sweep_late_reports` (beat) marks the ones that passed it unreported.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from casework.errors import Refused
from contractors.choices import MAJOR_REPORT_HOURS, VisitEventKind, VisitStatus
from contractors.models import Finding, Visit
from contractors.services.visits import _staff_of, record
from inspections.services.hazards import record_found_hazard


def record_finding(visit_pk, *, actor, description, major=False, clause=None, location="", photos=None,
                   now: datetime | None = None) -> Finding:
    now = now or timezone.now()
    major = parsers.boolean(major, field="major") if not isinstance(major, bool) else major
    with transaction.atomic():
        try:
            visit = Visit.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=visit_pk)
        except (Visit.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        if _staff_of(actor, visit) is None:
            raise Refused(_("Only the firm's staff record findings on its visits."), code="not_staff")
        if visit.status != VisitStatus.STARTED:
            raise Refused(_("Findings are recorded while the visit is under way."), code="not_started")
        hazard = record_found_hazard(finder=actor, enterprise=visit.enterprise_id, description=description, clause=clause,
                                     major=major, location=location, photos=photos, now=now)
        major = hazard.proposed_level == "major"
        finding = Finding.objects.create(
            visit=visit, firm_id=visit.firm_id, contract_id=visit.contract_id, hazard=hazard, major=major, found_at=now,
            report_due_at=now + timedelta(hours=MAJOR_REPORT_HOURS) if major else None)
        record(visit, VisitEventKind.FINDING, actor=actor, data={"hazard": hazard.code, "major": major}, at=now)
    return finding


def report_major(pk, *, actor, now: datetime | None = None) -> Finding:
    """The firm says it reported the major hazard to the authority (its time is the clock's stop)."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            finding = Finding.objects.visible_to(actor).select_for_update(of=("self",)).select_related("visit").get(pk=pk)
        except (Finding.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        if _staff_of(actor, finding.visit) is None:
            raise Refused(_("Only the firm's staff report its findings."), code="not_staff")
        if not finding.major:
            raise Refused(_("Only a major hazard is reported within 2 hours."), code="not_major")
        if finding.reported_at is not None:
            raise Refused(_("Already reported."), code="reported")
        finding.reported_at = now
        finding.late = finding.late or now > finding.report_due_at
        finding.save(update_fields=["reported_at", "late"])
    return finding


def sweep_late_reports(*, now: datetime | None = None) -> int:
    """Mark the major findings whose 2 hours passed unreported as late: one indexed UPDATE,
    the same result however often or late it runs."""
    now = now or timezone.now()
    return Finding.objects.filter(report_due_at__lt=now, reported_at__isnull=True, late=False).update(late=True)


def on_time(finding: Finding) -> bool | None:
    if not finding.major:
        return None
    return finding.reported_at is not None and finding.reported_at <= finding.report_due_at


__all__ = ["on_time", "record_finding", "report_major", "sweep_late_reports"]
