"""The demo's inspections and hazards: a few per zone, through the services, idempotent."""

import pytest

from governance.management.commands.seed_demo import SEED_STEPS
from grids.demo import seed_organisation
from grids.models import Zone
from inspections.demo import seed_enterprises, seed_inspection_library
from inspections.demo_fieldwork import PER_ZONE, seed_fieldwork
from inspections.models import Hazard, Inspection

pytestmark = pytest.mark.django_db


def test_the_step_follows_the_enterprises():
    names = [name for name, _ in SEED_STEPS]
    assert names.index("enterprises") < names.index("inspections and hazards")


def test_demo_inspections_and_hazards(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_organisation()
    seed_inspection_library()
    seed_enterprises()
    created = seed_fieldwork()
    zones = Zone.objects.count()
    assert created["inspections"] == PER_ZONE * zones and created["hazards"] > 0
    assert set(Inspection.objects.values_list("kind", flat=True)) >= {"government", "patrol"}
    assert Inspection.objects.filter(location_flagged=True).count() == 0
    assert Hazard.objects.filter(status="confirmed").exists()
    assert all(h.answer.passed is False and h.enterprise_id == h.inspection.enterprise_id
               for h in Hazard.objects.select_related("answer", "inspection"))
    assert seed_fieldwork() == {"inspections": 0, "hazards": 0}
