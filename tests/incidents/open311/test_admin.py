"""The administrator adds an Open311 client, issues it an api_key (shown once) and revokes keys."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from casework.keys import key_hash
from incidents.models import Open311Client, Open311Key

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_page(world):
    page = Client(headers={"Accept-Language": "en"})
    page.force_login(world.users.admin)
    return page


def test_adding_a_client_makes_its_reporting_account(admin_page):
    response = admin_page.post("/admin/incidents/open311client/add/", {
        "name": "City app", "contact": "app@example.cn", "rate_limit_per_hour": "", "is_active": "on",
        "keys-TOTAL_FORMS": "0", "keys-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    client = Open311Client.objects.get()
    assert client.account.display_name == "City app" and not client.account.is_active


def test_issue_shows_the_key_once_and_revoke_ends_it(admin_page, hotline):
    response = admin_page.post("/admin/incidents/open311client/", {
        "action": "issue_new_key", "_selected_action": [hotline.client.pk],
    })
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    raw = message.rsplit(" ", 1)[-1]
    new = Open311Key.objects.get(key_hash=key_hash(raw))
    assert new.client == hotline.client
    assert raw in admin_page.get(response["Location"]).content.decode()  # shown on the next page, once
    assert raw not in admin_page.get(f"/admin/incidents/open311client/{hotline.client.pk}/change/").content.decode()
    response = admin_page.post("/admin/incidents/open311key/", {"action": "revoke", "_selected_action": [new.pk]})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.revoked_at is not None
    hotline.key.refresh_from_db()
    assert hotline.key.revoked_at is None
