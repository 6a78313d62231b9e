"""Publication freezes the sheets: later case changes, recomputation attempts and scheme revisions
leave a published snapshot as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.errors import Forbidden, Refused
from governance.assessment import services
from governance.assessment.models import Period, Scheme, ScoreSheet
from incidents.choices import Status
from incidents.models import Incident
from tests.governance.assessment import data

pytestmark = pytest.mark.django_db


def frozen(period) -> list:
    return list(ScoreSheet.objects.filter(period=period).order_by("pk").values_list("subject_type", "subject_id", "total", "lines"))


def test_a_published_snapshot_does_not_change_when_cases_change(world, october, cats):
    cases, period = october
    services.publish_period(period.pk, actor=world.users.street)
    before = frozen(period)
    # Cases change afterwards: a rework, a late closure, a new case in October, an exclusion.
    Incident.objects.filter(pk=cases.W1.pk).update(rework_count=3)
    Incident.objects.filter(pk=cases.P1.pk).update(status=Status.CLOSED, closed_at=data.oct_(30))
    data.cf.IncidentFactory(grid_cell=world.cell_a1x, reporter=world.users.worker, reported_at=data.oct_(20), category=cats.gas)
    services.exclude_case(cases.W3.pk, actor=world.users.street, reason="force_majeure", note="台风")
    with pytest.raises(Refused):
        services.compute_provisional(period.pk)
    services.compute_current_periods(today=dt.date(2026, 10, 15))  # the nightly task skips it
    assert frozen(period) == before
    # A revised scheme leaves the published sheets on the version they were computed with.
    scheme = Scheme.objects.current().get(subject_type="department")
    new = services.revise_scheme(scheme.pk, actor=world.users.street, indicators={"registered_count": {"weight": 20},
                                                                                    "closure_rate": {"weight": 20}})
    assert new.version == 2 and not Scheme.objects.get(pk=scheme.pk).is_current
    assert set(ScoreSheet.objects.filter(period=period, subject_type="department").values_list("scheme", flat=True)) == {scheme.pk}
    assert frozen(period) == before


def test_only_the_street_office_publishes_and_only_ended_periods(world, october):
    cases, period = october
    with pytest.raises(Forbidden):
        services.publish_period(period.pk, actor=world.users.zone_leader)
    running = services.period_for("month", dt.date.today())
    with pytest.raises(Refused):
        services.publish_period(running.pk, actor=world.users.street)
    published = services.publish_period(period.pk, actor=world.users.street)
    assert published.is_published and published.appeal_until > published.published_at
    with pytest.raises(Refused):
        services.publish_period(period.pk, actor=world.users.street)


def test_periods_of_each_kind():
    day = dt.date(2026, 8, 17)
    assert services.bounds("month", day) == (dt.date(2026, 8, 1), dt.date(2026, 8, 31))
    assert services.bounds("quarter", day) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert services.bounds("half", day) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert services.bounds("year", day) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert services.bounds("month", dt.date(2026, 12, 5)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


def test_year_is_first_half_forty_and_year_end_sixty(world, october):
    cases, _period = october
    h1 = Period.objects.create(kind="half", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    services.publish_period(h1.pk, actor=world.users.street)
    # Fake a published first half of 50 for zone B (whose October scores 100).
    ScoreSheet.objects.filter(period=h1, subject_type="zone", subject_id=world.zone_b.pk).update(total=50)
    year = Period.objects.create(kind="year", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    services.compute_provisional(year.pk)
    s = ScoreSheet.objects.get(period=year, subject_type="zone", subject_id=world.zone_b.pk)
    assert s.combined["h1"] == "50.00" and s.combined["year_end"] == "100.00"
    assert str(s.total) == "80.00"  # 50 × 0.4 + 100 × 0.6


def test_twice_failing_workers_go_on_the_dismissal_review_list(world, october):
    cases, october_period = october
    september = Period.objects.create(kind="month", start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))
    services.publish_period(september.pk, actor=world.users.street)
    ScoreSheet.objects.filter(period=september, subject_id=world.users.worker.pk, subject_type="grid_worker").update(
        grade="fail", total=50)
    services.publish_period(october_period.pk, actor=world.users.street)
    flagged = ScoreSheet.objects.current().filter(period=october_period, flags__contains=["dismissal_review"])
    assert list(flagged.values_list("subject_id", flat=True)) == [world.users.worker.pk]
