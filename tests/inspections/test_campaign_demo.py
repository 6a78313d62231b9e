"""The demo's campaigns: 20+ over six months through the services, inspected by leaders and
experts, some 600 hazards in all (about 5 % major), every phase shown, idempotent."""

import pytest
from django.db.models import Exists, OuterRef, Q

from governance.management.commands.seed_demo import SEED_STEPS
from grids.demo import seed_organisation
from inspections.demo import seed_enterprises, seed_inspection_library
from inspections.demo_campaigns import seed_campaigns
from inspections.demo_fieldwork import seed_fieldwork
from inspections.models import Campaign, CampaignTarget, Hazard, Inspection
from inspections.services.campaigns import campaign_progress

pytestmark = pytest.mark.django_db


def test_the_step_follows_the_fieldwork():
    names = [name for name, _ in SEED_STEPS]
    assert names.index("inspections and hazards") < names.index("campaigns")


def test_demo_campaigns(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_organisation()
    seed_inspection_library()
    seed_enterprises()
    seed_fieldwork()
    created = seed_campaigns()
    assert created["campaigns"] >= 20
    assert set(Campaign.objects.values_list("phase", flat=True)) == {"mobilise", "self_check", "inspection", "review"}
    inspections = Inspection.objects.filter(campaign__isnull=False)
    assert set(inspections.values_list("kind", flat=True)) == {"government", "expert"}
    assert inspections.filter(created_by__role="zone_leader").exists()  # leaders inspect themselves
    assert inspections.filter(created_by__expert_roles__isnull=False).exists()  # so do the experts
    # Every campaign inspection is of one of its targets, in a pinned version.
    assert not inspections.exclude(Exists(CampaignTarget.objects.filter(
        campaign_id=OuterRef("campaign_id"), enterprise_id=OuterRef("enterprise_id")))).exists()
    assert not inspections.exclude(Exists(Campaign.versions.through.objects.filter(
        campaign_id=OuterRef("campaign_id"), checklistversion_id=OuterRef("version_id")))).exists()
    hazards = Hazard.objects.exclude(status="void")
    major = hazards.filter(Q(level="major") | Q(level="", proposed_level="major")).count()
    assert 500 <= hazards.count() <= 700 and 0.03 <= major / hazards.count() <= 0.08, (hazards.count(), major)
    street = Campaign.objects.get(phase="review", title="燃气管线安全专项排查").lead
    progress = campaign_progress(Campaign.objects.get(title="燃气管线安全专项排查"), street)
    assert progress["due"] == CampaignTarget.objects.filter(campaign__title="燃气管线安全专项排查").count()
    assert 0.35 <= progress["inspected"] / progress["due"] <= 0.8
    assert seed_campaigns() == {}
