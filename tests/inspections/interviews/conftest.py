"""Fixtures of the joint interview tests: a refused major hazard, the interview a meeting proposed on
it, outside participants with logins (tests/inspections/conftest.py gives enterprises and hazards)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from grids.choices import Role
from inspections.choices import RefusalGround
from inspections.interview_choices import Body
from inspections.services import interviews
from tests import factories as f
from tests.inspections.interviews.helpers import decide


@pytest.fixture(autouse=True)
def _interview_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []


@pytest.fixture
def outsiders(world):
    """A prosecutor and a police officer with external logins, and a second outsider seated nowhere."""
    return SimpleNamespace(
        prosecutor=f.UserFactory(username="p_prosecutor", role=Role.EXTERNAL, last_name="检察", first_name="官"),
        policeman=f.UserFactory(username="p_policeman", role=Role.EXTERNAL, last_name="民", first_name="警"),
        stranger=f.UserFactory(username="p_stranger", role=Role.EXTERNAL),
    )


@pytest.fixture
def refused(world, enterprises, make_hazard):
    """refused(cell="a1x") → a confirmed major hazard of that cell's enterprise with a refusal recorded."""

    def make(cell: str = "a1x", **kwargs):
        hazard = make_hazard(enterprises[cell], "confirmed")
        interviews.record_refusal(hazard, reason=kwargs.get("reason", RefusalGround.MISSED_DEADLINES),
                                  evidence="第二次整改期限已过，现场仍未安装报警装置", actor=world.users.safety)
        hazard.refresh_from_db()
        return hazard

    return make


@pytest.fixture
def proposed(world, refused):
    """proposed(cell) → the joint interview the meeting proposed on a refused hazard of that cell."""

    def make(cell: str = "a1x"):
        hazard = refused(cell)
        decide(world, hazard)
        return hazard.interviews.get()

    return make


@pytest.fixture
def seated(world, outsiders, proposed):
    """seated(cell) → a proposed interview with the prosecutor and the police officer seated (logins)."""

    def make(cell: str = "a1x"):
        interview = proposed(cell)
        interviews.add_participant(interview.pk, actor=world.users.street, body=Body.PROCURATORATE, user=outsiders.prosecutor.pk,
                                   organisation="区人民检察院")
        interviews.add_participant(interview.pk, actor=world.users.street, body=Body.POLICE, user=outsiders.policeman.pk,
                                   organisation="辛河派出所")
        return interview

    return make
