"""Issue 15's defects on the case pages, written as a person meets them: the disputed status shown
once on the timeline, English category names, …"""

from __future__ import annotations

import re

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


# --- the queue's bulk bar and the dispatch form ----------------------------------------------------

def _row(html: str, case) -> str:
    return re.search(rf'<tr data-case="{case.pk}".*?</tr>', html, re.S).group(0)


def test_bulk_bar_offers_each_case_only_what_it_allows(world, make_case, client):
    reported = make_case(Status.REPORTED)
    registered = make_case(Status.REGISTERED)
    accepted = make_case(Status.ACCEPTED)
    html = page(client, world.users.zone_leader, reverse("incidents:queue"))
    assert 'data-actions="register"' in _row(html, reported)
    assert 'data-actions="dispatch"' in _row(html, registered)
    assert 'name="ids"' not in _row(html, accepted)
    assert 'data-testid="bulk-register-button"' in html


def test_bulk_register_registers_the_ticked_reports(world, make_case, client):
    cases = [make_case(Status.REPORTED) for _ in range(2)]
    dispatched = make_case(Status.DISPATCHED)
    client.force_login(world.users.zone_leader)
    response = client.post(reverse("incidents:bulk-dispatch"),
                           {"ids": [c.pk for c in [*cases, dispatched]], "action": "register"}, headers=EN, follow=True)
    body = response.content.decode()
    for case in cases:
        case.refresh_from_db()
        assert case.status == Status.REGISTERED
    assert f"Registered 2: {cases[0].code}, {cases[1].code}" in body
    assert f"{dispatched.code}: " in body
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED


def test_dispatch_form_names_each_persons_department(world, make_case, client):
    case = make_case(Status.REGISTERED)
    html = page(client, world.users.zone_leader, reverse("incidents:detail", args=[case.pk]))
    select = re.search(r'<select name="assignee".*?</select>', html, re.S).group(0)
    assert 'data-handlers-of="id_dispatch_department"' in select
    assert f'value="{world.users.urban.pk}" data-department="{world.urban.pk}"' in select
    assert f'value="{world.users.safety_a.pk}" data-department="{world.safety.pk}"' in select


def test_duplicate_hint_says_same_spot_not_zero_metres(world, make_case, client):
    from tests.incidents.factories import centre

    case = make_case(Status.REPORTED)
    lat, lng = centre(world.cell_a1x)
    client.force_login(world.users.worker)
    response = client.get(reverse("incidents:duplicates"), {"category": case.category_id, "lat": lat, "lng": lng}, headers=EN)
    text = response.json()["results"][0]["text"]
    assert "at the same spot" in text and "0 m" not in text and "just now" in text
