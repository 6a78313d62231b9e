"""The demo's rectification: the demo hazards' lives through the services, idempotent and fast."""

import time

import pytest

from governance.management.commands.seed_demo import SEED_STEPS
from grids.demo import seed_organisation
from inspections.choices import HazardEventKind
from inspections.demo import seed_enterprises, seed_inspection_library
from inspections.demo_fieldwork import seed_fieldwork
from inspections.demo_rectification import seed_rectification
from inspections.models import Hazard, HazardEvent, RectificationNotice, SupervisionLetter

pytestmark = pytest.mark.django_db


def test_the_step_follows_the_hazards():
    names = [name for name, _ in SEED_STEPS]
    assert names.index("inspections and hazards") < names.index("hazard rectification")


def test_demo_hazards_live_realistic_lives(settings, capsys):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_organisation()
    seed_inspection_library()
    seed_enterprises()
    seed_fieldwork()
    started = time.monotonic()
    created = seed_rectification()
    seconds = time.monotonic() - started
    with capsys.disabled():
        print(f"\nseed_rectification: {created} in {seconds:.1f} s")
    hazards = Hazard.objects.exclude(status__in=["recorded", "void"])
    closed = hazards.filter(status="closed")
    assert created["notices"] == RectificationNotice.objects.count() > 0
    from django.utils import timezone

    due = hazards.filter(first_due_at__lt=timezone.now())  # those whose deadline has come
    assert closed.count() > due.count() / 2  # most are closed
    assert closed.filter(closed_on_time=True).count() > closed.filter(closed_on_time=False).count() > 0  # some late
    assert SupervisionLetter.objects.exists()  # a few red
    assert hazards.filter(supervised_at__isnull=False).count() == 2  # two 挂牌督办
    assert HazardEvent.objects.filter(kind=HazardEventKind.REFUSED).values("hazard").distinct().count() >= 1
    assert hazards.filter(recheck_failures__gt=0).exists() and hazards.filter(referrals__isnull=False).exists()
    assert hazards.filter(mode="immediate", status="closed").exists()  # fixed on the spot
    assert seconds < 15
    assert seed_rectification() == {"notices": 0, "closed": 0}
