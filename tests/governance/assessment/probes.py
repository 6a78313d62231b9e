"""Assessment objects of zone A for the scope probes (tests/security/test_object_writes.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from governance.assessment import appeals, services
from governance.assessment.models import Period, Scheme, ScoreSheet


def assessment_probes(world) -> SimpleNamespace:
    period = Period.objects.create(kind="month", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    services.publish_period(period.pk, actor=world.users.street)
    sheet = ScoreSheet.objects.get(period=period, subject_type="grid_worker", subject_id=world.users.worker.pk)
    evidence = SimpleUploadedFile("probe.pdf", b"%PDF-1.4 probe", content_type="application/pdf")
    appeal = appeals.submit_appeal(sheet.pk, actor=world.users.worker, line_key="valid_report_rate", reason="probe",
                                   evidence="probe", files=[evidence])
    return SimpleNamespace(period=period, sheet=sheet, appeal=appeal, appeal_file=appeal.files.get(),
                           scheme=Scheme.objects.current().first())
