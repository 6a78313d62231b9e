"""Fixtures of the case tests: cheap passwords, a private media folder, the category tree."""

from __future__ import annotations

import pytest

from tests.incidents import factories as cf


@pytest.fixture(autouse=True)
def _case_test_settings(settings, tmp_path):
    # The world fixture hashes a dozen passwords; the default hasher makes that take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Stored photos go to a folder of this test, not var/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []


@pytest.fixture
def cats(world) -> cf.Categories:
    return cf.category_tree(world)


@pytest.fixture
def make_case(world, cats):
    """make_case(status, **kwargs) → a case brought to `status` through services.apply_action."""

    def make(status, **kwargs):
        return cf.case_in(status, world, cats, **kwargs)

    return make
