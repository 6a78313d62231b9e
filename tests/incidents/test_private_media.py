"""Uploaded files are private (issue 18): no /media/ URL, only views that check who sees the case,
and in production the web server sends the file (X-Accel-Redirect / X-Sendfile)."""

from __future__ import annotations

import importlib
import re

import pytest
from django.urls import clear_url_caches, reverse
from rest_framework.test import APIClient

from governance.security.devices import issue_token
from tests.incidents.test_pages import png, report

pytestmark = pytest.mark.django_db

PHOTO_PAGE = re.compile(r"^/incidents/(\d+)/photos/(\d+)/$")


@pytest.fixture
def debug_urls(settings):
    """The URLconf as built with DEBUG on (where the static() media route used to be added)."""
    import governance.urls

    settings.DEBUG = True
    importlib.reload(governance.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(governance.urls)
    clear_url_caches()


@pytest.fixture
def case(world, cats):
    return report(world, cats.gas, photos=[png()])


def test_no_media_url_serves_a_stored_photo_even_in_debug(world, case, client, page_for, debug_urls):
    photo = case.photos.get()
    old = f"/media/{photo.image.name}"
    assert client.get(old).status_code != 200
    assert page_for(world.users.zone_leader_b).get(old).status_code != 200
    assert page_for(world.users.zone_leader).get(old).status_code != 200  # even the owner zone: only the view


def test_the_photo_view_checks_the_case(world, case, client, page_for):
    photo = case.photos.get()
    url = reverse("incidents:photo", args=[case.pk, photo.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert page_for(world.users.zone_leader_b).get(url).status_code == 404
    mine = page_for(world.users.zone_leader).get(url)
    assert mine.status_code == 200 and mine["Content-Type"] == "image/jpeg"
    assert b"".join(mine.streaming_content)[:2] == b"\xff\xd8"
    assert mine["X-Content-Type-Options"] == "nosniff" and mine["Cache-Control"].startswith("private")
    assert mine["Content-Disposition"].startswith("inline")


def test_x_accel_hands_the_file_to_nginx(world, case, page_for, settings):
    settings.PRIVATE_MEDIA_ACCEL = "x-accel"
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/protected/"
    photo = case.photos.get()
    response = page_for(world.users.zone_leader).get(reverse("incidents:photo", args=[case.pk, photo.pk]))
    assert response.status_code == 200 and not getattr(response, "streaming", False)
    photo.refresh_from_db()  # sent once re-encoded (casework.photos), never as received
    assert photo.processed and photo.image.name.endswith(".jpg")
    assert response["X-Accel-Redirect"] == f"/protected/{photo.image.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"].startswith("private")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert page_for(world.users.zone_leader_b).get(reverse("incidents:photo", args=[case.pk, photo.pk])).status_code == 404


def test_x_sendfile_names_the_stored_file(world, case, page_for, settings):
    settings.PRIVATE_MEDIA_ACCEL = "x-sendfile"
    photo = case.photos.get()
    response = page_for(world.users.zone_leader).get(reverse("incidents:photo", args=[case.pk, photo.pk]))
    assert response.status_code == 200 and response.content == b""
    photo.refresh_from_db()
    assert photo.processed and response["X-Sendfile"] == photo.image.path


def test_rendered_photo_links_point_at_checked_views(world, case, page_for):
    photo = case.photos.get()
    body = page_for(world.users.zone_leader).get(reverse("incidents:detail", args=[case.pk])).content.decode()
    links = re.findall(r'(?:src|href)="([^"]*photos/[^"]*)"', body)
    assert links and all(PHOTO_PAGE.match(link) for link in links), links
    assert "/media/" not in body and photo.image.name not in body
    # The admin's preview goes through a staff view that checks the case too.
    admin = page_for(world.users.admin)
    body = admin.get(reverse("admin:incidents_incident_change", args=[case.pk])).content.decode()
    preview = reverse("admin:incidents_incident_photo", args=[case.pk, photo.pk])
    assert preview in body and "/media/" not in body and photo.image.name not in body
    served = admin.get(preview)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert page_for(world.users.zone_leader).get(preview).status_code == 302  # not staff: the admin login


def test_api_photo_urls_point_at_the_checked_api_view(world, cats, case, api_for):
    photo = case.photos.get()
    detail = api_for(world.users.zone_leader).get(f"/api/v1/incidents/{case.pk}/").json()
    [url] = [p["url"] for p in detail["photos"]]
    assert url == f"http://testserver/api/v1/incidents/{case.pk}/photos/{photo.pk}/"
    assert "/media/" not in str(detail)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=world.users.zone_leader)[1]}")
    served = token.get(url, HTTP_ACCEPT="image/jpeg")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    assert api_for(world.users.zone_leader_b).get(url).status_code == 404
    assert APIClient().get(url).status_code in (401, 403)
    other = report(world, cats.gas)
    assert api_for(world.users.zone_leader).get(f"/api/v1/incidents/{other.pk}/photos/{photo.pk}/").status_code == 404

