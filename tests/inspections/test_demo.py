"""The demo's registry: ~260 fictional enterprises over the demo cells, a realistic risk mix, idempotent."""

import time
from collections import Counter

import pytest

from governance.management.commands.seed_demo import SEED_STEPS
from grids.demo import seed_organisation
from inspections.creditcode import is_fictional, validate
from inspections.demo import DEMO_ENTERPRISES, seed_enterprises, seed_inspection_library
from inspections.models import ChecklistTemplate, Enterprise

pytestmark = pytest.mark.django_db


def test_the_steps_follow_the_organisation():
    names = [name for name, _ in SEED_STEPS]
    assert names.index("organisation") < names.index("criteria and checklists") < names.index("enterprises")


def test_demo_enterprises(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_organisation()
    started = time.monotonic()
    seed_inspection_library()
    assert seed_enterprises() == {"enterprises": DEMO_ENTERPRISES}
    assert time.monotonic() - started < 10
    assert ChecklistTemplate.objects.count() == 5
    enterprises = list(Enterprise.objects.for_list())
    assert all(is_fictional(e.credit_code) and validate(e.credit_code)[1] == [] for e in enterprises)
    risk = Counter(e.risk_level for e in enterprises)
    assert 0 < risk["red"] < risk["orange"] < risk["yellow"] < risk["blue"], risk
    assert len({e.zone_id for e in enterprises}) >= 4 and len({e.grid_cell_id for e in enterprises}) > 50
    assert all(e.sector_codes for e in enterprises)
    assert all(e.grid_cell.community_id == e.community_id and e.community.zone_id == e.zone_id for e in enterprises)
    assert seed_enterprises() == {"enterprises": 0} and seed_inspection_library()["checklists"] == 0
