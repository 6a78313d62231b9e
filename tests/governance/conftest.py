"""Fixtures of the meeting tests: cheap passwords, private media, cases in any state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance.meetings import services as meetings
from incidents import services as cases
from incidents.choices import Action, Status
from tests.incidents import factories as cf


@pytest.fixture(autouse=True)
def _meeting_test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []


@pytest.fixture
def cats(world) -> cf.Categories:
    return cf.category_tree(world)


@pytest.fixture
def make_case(world, cats):
    """make_case(status, **kwargs) → a case brought to `status` through the case services."""

    def make(status, **kwargs):
        return cf.case_in(status, world, cats, **kwargs)

    return make


def returned_twice(world, make_case, *, department=None, cell=None):
    """A case returned by departments twice: disputed automatically (the case services' rule)."""
    department = department or world.safety
    case = make_case(Status.DISPATCHED, department=department, cell=cell)
    handler = cf.handler_of(department, case.zone_id)
    leader = cf.leader_of(case)
    cases.apply_action(case.pk, actor=handler, action=Action.RETURN, params={"reason": "Not ours: gas company"})
    cases.apply_action(case.pk, actor=leader, action=Action.DISPATCH, params={"department": world.urban.pk})
    cases.apply_action(case.pk, actor=cf.handler_of(world.urban, case.zone_id), action=Action.RETURN, params={"reason": "Not ours either"})
    case.refresh_from_db()
    assert case.status == Status.DISPUTED and case.return_count == 2
    return case


@pytest.fixture
def disputed(world, make_case):
    return lambda **kwargs: returned_twice(world, make_case, **kwargs)


def in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def session(world):
    """session(meeting) → the meeting opened by the street user."""

    def open_(meeting):
        return meetings.start_session(meeting.pk, actor=world.users.street)

    return open_
