from __future__ import annotations

import pytest

from tests.contractors.fixtures import build
from tests.inspections.conftest import enterprises  # noqa: F401  (fixture)


@pytest.fixture
def cw(world, enterprises, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []
    return build(world, enterprises)
