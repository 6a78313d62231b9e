"""Issue 15: departments are reference data shown to users, so they have an English name that
English pages show (Chinese pages keep the Chinese name; no English name falls back to it)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from incidents.choices import Status

pytestmark = pytest.mark.django_db


def test_display_name_follows_the_language(world):
    world.safety.name_en = "Work Safety Office"
    world.safety.save()
    with translation.override("en"):
        assert world.safety.display_name == "Work Safety Office" and str(world.safety) == "Work Safety Office"
        assert world.urban.display_name == "城管中队"  # no English name: the Chinese one
    with translation.override("zh-hans"):
        assert world.safety.display_name == "安监办"


def test_the_case_page_shows_the_english_department_name(world, make_case, page_for):
    world.safety.name_en = "Work Safety Office"
    world.safety.save()
    case = make_case(Status.DISPATCHED, department=world.safety)
    leader = world.users.zone_leader
    english = page_for(leader).get(reverse("incidents:detail", args=[case.pk])).content.decode()
    chinese = page_for(leader).get(reverse("incidents:detail", args=[case.pk]), headers={"Accept-Language": "zh-hans"})
    assert 'data-testid="department">Work Safety Office<' in english
    assert 'data-testid="department">安监办<' in chinese.content.decode()


def test_the_demo_departments_all_have_english_names():
    from grids.demo import data

    assert all(spec.name_en for spec in data.DEPARTMENTS)
