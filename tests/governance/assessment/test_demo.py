"""The assessment demo step: six months and the last quarter published, the current month
provisional, two cases not counted, a zone leader's comment, an appeal adjusted after both
reviews (a new version) and one upheld; a second run adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from governance.assessment.demo import seed_assessment
from governance.assessment.models import Appeal, Exclusion, Period, ScoreSheet, SheetComment
from governance.management.commands.seed_demo import SEED_STEPS
from grids.choices import Role
from grids.demo import seed_organisation
from incidents.demo import seed_categories, seed_history

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 17, 15, 20, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_step_runs_last():
    assert [name for name, _ in SEED_STEPS][-1] == "assessment"


def _state():
    return (Period.objects.count(), ScoreSheet.objects.count(), Exclusion.objects.count(), Appeal.objects.count(),
            SheetComment.objects.count())


def test_the_demo_assessment(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)
    settings.NOTIFICATION_CHANNELS = []
    seed_organisation()
    seed_categories()
    seed_history(cases=140, now=NOW)
    created = seed_assessment(now=NOW)
    assert created["periods published"] == 7 and created["cases not counted"] == 2
    assert created["provisional periods"] == 1 and created["appeals"] == 2 and created["sheet versions"] == 1

    published = Period.objects.filter(status="published")
    assert sorted((p.kind, p.start) for p in published) == [
        ("month", date(2025, 12, 1)), ("month", date(2026, 1, 1)), ("month", date(2026, 2, 1)),
        ("month", date(2026, 3, 1)), ("month", date(2026, 4, 1)), ("month", date(2026, 5, 1)),
        ("quarter", date(2026, 1, 1))]
    current = Period.objects.get(kind="month", start=date(2026, 6, 1))
    assert current.status == "provisional" and current.sheets.filter(subject_type="grid_worker").exists()
    for period in published:
        assert set(period.sheets.values_list("subject_type", flat=True)) >= {"department", "grid_worker", "community",
                                                                                "zone"}

    for exclusion in Exclusion.objects.select_related("incident", "approved_by"):
        assert exclusion.approved_by.role == Role.STREET and exclusion.note
        assert exclusion.incident.events.filter(data__assessment="excluded").count() == 1
    assert {e.reason for e in Exclusion.objects.all()} == {"force_majeure", "unreasonable"}

    adjusted = Appeal.objects.get(status="adjusted")
    assert [e.kind for e in adjusted.events.order_by("created_at", "pk")] == ["submitted", "forward", "adjust"]
    assert adjusted.result_sheet.version == 2 and adjusted.result_sheet.is_current
    assert not ScoreSheet.objects.get(pk=adjusted.sheet_id).is_current  # the original stays, not current
    assert adjusted.result_sheet.line("valid_report_rate")["points"] == 90.0
    upheld = Appeal.objects.get(status="upheld")
    assert [e.kind for e in upheld.events.order_by("created_at", "pk")] == ["submitted", "forward", "uphold"]
    assert upheld.sheet.is_current and upheld.result_sheet is None
    comment = SheetComment.objects.get()
    assert comment.sheet_id == adjusted.sheet_id and comment.author.role == Role.ZONE_LEADER
    for event in [*adjusted.events.all(), *upheld.events.all()]:
        assert event.created_at <= NOW

    before = _state()
    assert seed_assessment(now=NOW) == {}
    assert _state() == before
