"""The benchmark generator's enterprise-safety rows (bench.safety): in proportion to the cases,
valid against the app's own rules, and the three benchmarked pages answer with a constant
number of queries. Small size (2,000 cases → 50 enterprises, 600 inspections, 1,200 hazards)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db.models import Count, F, Q
from shapely.geometry import Point, shape

from bench.generate import generate, parse_args
from bench.safety import counts
from inspections.choices import HazardStatus, InspectionKind, Sector
from inspections.creditcode import validate
from inspections.models import (
    Campaign,
    CampaignTarget,
    Enterprise,
    EnterpriseSector,
    Hazard,
    HazardSequence,
    Inspection,
    InspectionInspector,
)

NOW = "2026-06-10T07:45:00+00:00"
N = 2000


@pytest.fixture
def generated(postgres):
    return generate(parse_args(["--incidents", str(N), "--now", NOW, "--jobs", "1", "--quiet"]), out=io.StringIO())


@pytest.mark.django_db
def test_safety_rows_in_proportion_valid_and_in_their_states(generated):
    """One generation for both checks (the test must stay fast: it runs in CI)."""
    _check_rows(generated)
    _check_hazards()


def _check_rows(generated) -> None:
    expected = counts(N, 3)
    assert (expected["enterprises"], expected["inspections"], expected["hazards"]) == (50, 600, 1200)
    assert Enterprise.objects.count() == 50
    assert Inspection.objects.count() == 600
    assert Hazard.objects.count() == 1200
    assert Campaign.objects.count() == 60
    assert generated["safety"]["rows"]["inspections_hazard"] == 1200

    # Credit codes pass GB 32100 (both checks), are fictional and unique; points lie inside the cell.
    for enterprise in Enterprise.objects.select_related("grid_cell", "grid_cell__community"):
        code, warnings = validate(enterprise.credit_code)
        assert code == enterprise.credit_code and not warnings and enterprise.fictional
        assert shape(enterprise.grid_cell.boundary).contains(Point(enterprise.longitude, enterprise.latitude))
        assert (enterprise.community_id, enterprise.zone_id) == (enterprise.grid_cell.community_id,
                                                                 enterprise.grid_cell.community.zone_id)
    assert set(EnterpriseSector.objects.values_list("code", flat=True)) <= set(Sector.values)
    assert not Enterprise.objects.annotate(n=Count("sector_rows")).filter(n=0).exists()

    # Territory of inspections and hazards is the enterprise's; hazards of an inspection share its enterprise.
    assert not Inspection.objects.exclude(zone_id=F("enterprise__zone_id")).exists()
    assert not Hazard.objects.exclude(grid_cell_id=F("enterprise__grid_cell_id"), community_id=F("enterprise__community_id"),
                                      zone_id=F("enterprise__zone_id")).exists()
    assert not Hazard.objects.filter(inspection__isnull=False).exclude(enterprise_id=F("inspection__enterprise_id")).exists()
    # An enforcement inspection has two inspectors; a campaign's inspection is of one of its targets.
    enforcement = Inspection.objects.filter(kind__in=[InspectionKind.GOVERNMENT, InspectionKind.EXPERT])
    assert not enforcement.annotate(n=Count("inspector_rows")).exclude(n=2).exists()
    assert InspectionInspector.objects.filter(inspection__in=enforcement).exclude(certificate_no="").count() == 2 * enforcement.count()
    in_campaigns = Inspection.objects.filter(campaign__isnull=False)
    assert in_campaigns.exists()
    assert all(CampaignTarget.objects.filter(campaign_id=c, enterprise_id=e).exists()
               for c, e in in_campaigns.values_list("campaign_id", "enterprise_id"))
    assert CampaignTarget.objects.count() > 0
    assert not Campaign.objects.filter(ends_on__lt=F("starts_on")).exists()


def _check_hazards() -> None:
    now = dt.datetime.fromisoformat(NOW)
    # Codes YH-YYYY-NNNNNN, gapless per year, the sequence continues them.
    per_year: dict[int, list[int]] = {}
    for code in Hazard.objects.values_list("code", flat=True):
        match = re.fullmatch(r"YH-(\d{4})-(\d{6})", code)
        assert match
        per_year.setdefault(int(match[1]), []).append(int(match[2]))
    for year, numbers in per_year.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert HazardSequence.objects.get(prefix="YH", year=year).last == len(numbers)

    states = dict(Hazard.objects.values_list("status").annotate(n=Count("pk")))
    assert set(states) == set(HazardStatus.values)
    assert states[HazardStatus.CLOSED] > 0.6 * 1200
    assert 0.02 * 1200 <= Hazard.objects.filter(level="major").count() <= 0.1 * 1200
    # A running rectification clock: stage, due and warn times, first deadline; the card matches the time.
    running = Hazard.objects.filter(status__in=[HazardStatus.NOTIFIED, HazardStatus.RECTIFYING])
    assert running.exists()
    assert not running.filter(Q(due_at__isnull=True) | Q(warn_at__isnull=True) | Q(first_due_at__isnull=True)
                              | ~Q(stage="rectify")).exists()
    assert not running.filter(due_at__lte=now - dt.timedelta(minutes=1), escalation__lt=2).exists()
    assert not Hazard.objects.exclude(status__in=[HazardStatus.NOTIFIED, HazardStatus.RECTIFYING]).filter(due_at__isnull=False).exists()
    # Closed ones were completed and closed after they were confirmed; unconfirmed ones have no level.
    closed = Hazard.objects.filter(status=HazardStatus.CLOSED)
    assert not closed.filter(Q(closed_at__isnull=True) | Q(completed_at__isnull=True) | Q(closed_on_time__isnull=True)).exists()
    assert not closed.filter(closed_at__lt=F("confirmed_at")).exists()
    assert not Hazard.objects.filter(status__in=[HazardStatus.RECORDED, HazardStatus.VOID]).exclude(level="").exists()
    assert not Hazard.objects.filter(status__in=[HazardStatus.SUBMITTED, HazardStatus.RECHECKING], recheck_due_at__isnull=True).exists()
    assert not Hazard.objects.filter(recorded_at__gt=now).exists()


@pytest.mark.django_db
def test_benchmarked_pages_answer_with_constant_queries(generated, settings):
    from bench import safety_pages
    from grids.choices import Role
    from grids.models import User

    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    leader = User.objects.filter(role=Role.ZONE_LEADER, zone__isnull=False).order_by("zone__number").first()
    street = User.objects.filter(role=Role.STREET).order_by("username").first()
    sample = safety_pages.samples(leader.zone_id, 12, 2026)
    assert sample["enterprises"] and sample["campaigns"]
    found = safety_pages.query_counts({"street": street.username, "zone": leader.username}, sample)
    for page in ("hazard_list", "enterprise_page"):
        for persona, (largest, other) in found[page].items():
            assert largest == other, (page, persona)
    # The campaign with most targets and one of the smaller ones (same count, or one fewer prefetch when empty).
    for persona, (largest, other) in found["campaign_progress"].items():
        assert 0 <= largest - other <= 1, persona
