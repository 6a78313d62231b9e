"""403, 404, 500 and CSRF failure in the site's layout and language, with a way back; a 404 for a
case that is not yours looks exactly like one for a case that does not exist."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from incidents.choices import Status

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-hans"}


def _layout(html: str) -> None:
    assert 'class="topbar"' in html and 'data-testid="error-page"' in html and 'data-testid="error-home"' in html


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_not_yours_and_missing_give_the_same_404_page(world, make_case, client):
    other_zone = make_case(Status.REPORTED, cell=world.cell_b1x, reporter=world.users.worker_b)
    client.force_login(world.users.zone_leader)
    yours_url, missing_url = (reverse("incidents:detail", args=[pk]) for pk in (other_zone.pk, other_zone.pk + 1000))
    not_yours = client.get(yours_url, headers=EN)
    missing = client.get(missing_url, headers=EN)
    assert not_yours.status_code == missing.status_code == 404
    _layout(not_yours.content.decode())
    first, second = _without_tokens(not_yours.content.decode()), _without_tokens(missing.content.decode())
    # Only the language switch's "come back here" differs: the page says nothing else of the case.
    assert first.replace(yours_url, "") == second.replace(missing_url, "")
    assert "Page not found" in first and "go back" in first


def test_404_speaks_the_page_language(world, client):
    client.force_login(world.users.worker)
    response = client.get("/no/such/page/", headers=ZH)
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    _layout(html)


def test_404_for_an_anonymous_visitor_is_in_the_layout(client):
    response = client.get("/no/such/page/", headers=EN)
    assert response.status_code == 404
    _layout(response.content.decode())


def test_403_in_the_layout(world, client):
    client.force_login(world.users.worker)  # not staff: the meetings' chair pages answer 403 or 404
    from django.test import RequestFactory

    from governance import errors

    request = RequestFactory().get("/x/", headers=EN)
    request.user = world.users.worker
    response = errors.permission_denied(request)
    assert response.status_code == 403
    _layout(response.content.decode())


def test_api_404_answers_json(world, client):
    client.force_login(world.users.worker)
    response = client.get("/api/v1/no-such-endpoint/", headers=EN)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.urls("tests.site.boom_urls")
def test_500_in_the_layout_with_a_way_back(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users.worker)
    response = client.get("/boom/", headers={**EN, "Referer": "http://testserver/incidents/mine/"})
    assert response.status_code == 500
    html = response.content.decode()
    _layout(html)
    assert 'href="http://testserver/incidents/mine/"' in html


def test_csrf_failure_in_the_layout(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.worker)
    response = client.post(reverse("incidents:new"), {"description": "x"}, headers=EN)
    assert response.status_code == 403
    html = response.content.decode()
    _layout(html)
    assert "The form had expired" in html
