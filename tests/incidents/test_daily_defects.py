"""Issue 15's defects on the case pages, written as a person meets them: the disputed status shown
once on the timeline, English category names, …"""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents import services
from incidents.choices import Action, Status
from incidents.demo.categories import seed_categories
from incidents.models import Category

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-hans"}


def page(client, user, url, headers=EN):
    client.force_login(user)
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_second_return_shows_the_change_to_disputed_once_on_the_timeline(world, make_case, client):
    case = make_case(Status.DISPATCHED)
    services.apply_action(case.pk, actor=world.users.safety, action=Action.RETURN, params={"reason": "not ours"})
    services.apply_action(case.pk, actor=world.users.zone_leader, action=Action.DISPATCH, params={"department": world.urban.pk})
    services.apply_action(case.pk, actor=world.users.urban, action=Action.RETURN, params={"reason": "nor ours"})
    html = page(client, world.users.zone_leader, reverse("incidents:detail", args=[case.pk]))
    assert html.count("→ Disputed") == 1


def test_category_names_follow_the_page_language(world, make_case, cats, client):
    cats.gas.name_en = "Gas smell"
    cats.gas.save()
    case = make_case(Status.REPORTED)
    url = reverse("incidents:detail", args=[case.pk])
    english = page(client, world.users.zone_leader, url, EN)
    assert "<strong>Gas smell</strong>" in english and "<strong>燃气异味</strong>" not in english
    chinese = page(client, world.users.zone_leader, url, ZH)
    assert "<strong>燃气异味</strong>" in chinese
    queue = page(client, world.users.zone_leader, reverse("incidents:queue"), EN)
    assert "Gas smell<div" in queue and "燃气异味<div" not in queue
    intake = page(client, world.users.worker, reverse("incidents:new"), EN)
    assert "Gas smell" in intake and "燃气异味" not in intake


def test_every_demo_category_has_an_english_name(world):
    seed_categories()
    assert not Category.objects.filter(name_en="").exists()
