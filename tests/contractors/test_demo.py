"""The contractors demo step: three firms, a little over ¥1 million, plans for ~255 enterprises,
a quarter of visits with flaws, one missed major hazard found by a spot check; idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from contractors.demo import seed_contractors
from contractors.models import Contract, Finding, ServicePlan, SpotCheck, Visit
from governance.management.commands.seed_demo import SEED_STEPS
from grids.demo import seed_organisation
from inspections.demo import seed_enterprises, seed_inspection_library

pytestmark = pytest.mark.django_db


def test_the_step_comes_after_the_hazards_and_before_the_interviews():
    # The interview step summons enterprises over the major hazards the contractors' visits find.
    names = [name for name, _ in SEED_STEPS]
    assert names.index("hazard rectification") < names.index("safety contractors") < names.index("joint interviews")


def test_the_demo_firms_plans_visits_and_the_miss(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)
    settings.NOTIFICATION_CHANNELS = []
    seed_organisation()
    seed_inspection_library()
    seed_enterprises()
    counts = seed_contractors()
    assert counts["firms"] == 3 and counts["plans"] >= 250
    total = Contract.objects.aggregate(s=Sum("amount"))["s"]
    assert Decimal("1000000") < total < Decimal("1100000")
    assert ServicePlan.objects.values("enterprise").distinct().count() == counts["plans"]
    done = Visit.objects.filter(status="done")
    assert done.count() >= 200
    assert done.filter(far=True).exists() and done.filter(short=True).exists()
    assert SpotCheck.objects.filter(missed_major=1).count() == 1
    assert Finding.objects.filter(major=True).exists() and Finding.objects.filter(late=True).exists()
    assert seed_contractors() == {}
