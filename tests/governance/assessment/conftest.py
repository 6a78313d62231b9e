from __future__ import annotations

import datetime as dt

import pytest

from governance.assessment.models import Period
from tests.governance.assessment import data
from tests.incidents import factories as cf


@pytest.fixture(autouse=True)
def _assessment_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []


@pytest.fixture
def cats(world) -> cf.Categories:
    return cf.category_tree(world)


@pytest.fixture
def october(world, cats):
    """The hand-built month and its (provisional) assessment period."""
    cases = data.build(world, cats)
    period = Period.objects.create(kind="month", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    return cases, period
