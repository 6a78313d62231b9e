"""The demo's joint interview: a refusal on a demo major hazard, the interview through every step, idempotent."""

import time

import pytest

from governance.management.commands.seed_demo import SEED_STEPS
from grids.choices import Role
from grids.demo import seed_organisation
from grids.models import User
from inspections.demo import seed_enterprises, seed_inspection_library
from inspections.demo_fieldwork import seed_fieldwork
from inspections.demo_interviews import seed_interviews
from inspections.interview_choices import InterviewStatus
from inspections.models import JointInterview
from inspections.services.interviews import hazards_awaiting_interview

pytestmark = pytest.mark.django_db


def test_the_step_follows_the_hazards():
    names = [name for name, _ in SEED_STEPS]
    assert names.index("inspections and hazards") < names.index("joint interviews")


def test_demo_joint_interview(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []
    seed_organisation()
    seed_inspection_library()
    seed_enterprises()
    seed_fieldwork()
    started = time.perf_counter()
    created = seed_interviews()
    elapsed = time.perf_counter() - started
    assert created["joint interviews"] == 1 and elapsed < 5, elapsed
    interview = JointInterview.objects.get()
    assert interview.status == InterviewStatus.CLOSED and interview.outcome == "rectified"
    assert interview.commitments.count() == 2 and interview.commitment_scan and interview.report_on_time
    outsiders = set(interview.participants.exclude(user__isnull=True).values_list("user__role", flat=True))
    assert outsiders == {Role.EXTERNAL}
    assert User.objects.filter(role=Role.EXTERNAL).count() == 2
    assert hazards_awaiting_interview().count() == created["refusals"] - 1
    assert seed_interviews() == {}
