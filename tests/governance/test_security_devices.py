"""API tokens one per device (issue 18): a device name, a hashed key, issued/last used/expiry; a
login from the same device replaces its token; the caller lists their tokens (never a key) and
revokes one, never someone else's; the account page lists the devices with a revoke button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from casework.keys import key_hash
from governance.security.devices import authenticate_token, issue_token
from governance.security.models import ApiToken
from tests import factories as f

pytestmark = pytest.mark.django_db


def login(username="p_worker", **extra):
    return APIClient(headers={"Accept-Language": "en"}).post(
        "/api/v1/auth/token/", {"username": username, "password": f.PASSWORD, **extra}, format="json")


def with_key(key: str) -> APIClient:
    client = APIClient(headers={"Accept-Language": "en"})
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_carries_its_device_a_hashed_key_and_its_times(world):
    response = login(device_name="张三的手机")
    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get()
    assert (body["id"], body["device_name"]) == (token.pk, "张三的手机")
    assert token.key_hash == key_hash(body["token"]) and body["token"] not in token.key_hash
    assert token.expires_at - token.created_at == timedelta(days=30)
    assert token.last_used_at is None


def test_the_same_device_replaces_its_token_and_other_devices_keep_theirs(world):
    phone = login(device_name="phone").json()["token"]
    tablet = login(device_name="tablet").json()["token"]
    phone_again = login(device_name="phone").json()["token"]
    assert with_key(phone).get("/api/v1/users/me/").status_code == 401
    assert with_key(tablet).get("/api/v1/users/me/").status_code == 200
    assert with_key(phone_again).get("/api/v1/users/me/").status_code == 200
    assert sorted(ApiToken.objects.values_list("device_name", flat=True)) == ["phone", "tablet"]


def test_a_bad_device_name_is_400_and_issues_nothing(world):
    for name in ("x" * 81, "bad\x00name", "tab\tlet"):
        response = login(device_name=name)
        assert response.status_code == 400
        assert "device_name" in response.json()
    assert not ApiToken.objects.exists()


def test_last_used_is_written_at_most_once_a_minute(world, django_assert_num_queries):
    token, key = issue_token(user=world.users.worker)
    with django_assert_num_queries(2):  # look-up, stamp
        authenticate_token(key)
    first = ApiToken.objects.get().last_used_at
    with django_assert_num_queries(1):  # look-up only
        authenticate_token(key)
    assert ApiToken.objects.get().last_used_at == first
    later = timezone.now() + timedelta(seconds=61)
    authenticate_token(key, now=later)
    assert ApiToken.objects.get().last_used_at == later


def test_the_caller_lists_their_tokens_without_keys(world, django_assert_num_queries):
    _mine, key = issue_token(user=world.users.worker, device_name="phone")
    issue_token(user=world.users.worker, device_name="tablet")
    issue_token(user=world.users.street, device_name="desk")
    client = with_key(key)
    client.get("/api/v1/users/me/")  # the first use stamps last_used_at
    with django_assert_num_queries(2):  # token + user, the list
        response = client.get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    rows = response.json()
    assert [r["device_name"] for r in rows] == ["tablet", "phone"]
    assert set(rows[0]) == {"id", "device_name", "created_at", "last_used_at", "expires_at", "current"}
    assert [r["current"] for r in rows] == [False, True]
    assert key not in response.content.decode()
    assert ApiToken.objects.get(device_name="phone").key_hash not in response.content.decode()


def test_delete_revokes_one_of_mine_and_someone_elses_is_404(world):
    phone, key = issue_token(user=world.users.worker, device_name="phone")
    tablet, tablet_key = issue_token(user=world.users.worker, device_name="tablet")
    theirs, _their_key = issue_token(user=world.users.street, device_name="desk")
    client = with_key(key)
    assert client.delete(f"/api/v1/auth/tokens/{theirs.pk}/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert client.delete(f"/api/v1/auth/tokens/{tablet.pk}/").status_code == 204
    assert with_key(tablet_key).get("/api/v1/users/me/").status_code == 401
    assert client.get("/api/v1/users/me/").status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{tablet.pk}/").status_code == 404


def test_the_token_list_needs_a_login(db):
    assert APIClient().get("/api/v1/auth/tokens/").status_code == 401


def test_the_account_page_lists_my_devices_and_revokes_one(world):
    phone, key = issue_token(user=world.users.worker, device_name="我的手机")
    theirs, _ = issue_token(user=world.users.street, device_name="street desk")
    page = Client(headers={"Accept-Language": "en"})
    page.force_login(world.users.worker)
    listed = page.get("/accounts/devices/")
    assert listed.status_code == 200
    text = listed.content.decode()
    assert "我的手机" in text and "street desk" not in text and key not in text
    assert f'action="/accounts/devices/{phone.pk}/revoke/"' in text
    assert page.post(f"/accounts/devices/{theirs.pk}/revoke/").status_code == 404
    assert page.get(f"/accounts/devices/{phone.pk}/revoke/").status_code == 405
    response = page.post(f"/accounts/devices/{phone.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/accounts/devices/"
    assert not ApiToken.objects.filter(pk=phone.pk).exists()
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert "No device holds a token." in page.get("/accounts/devices/").content.decode()


def test_the_user_menu_links_to_my_devices(world):
    page = Client(headers={"Accept-Language": "en"})
    page.force_login(world.users.worker)
    assert 'href="/accounts/devices/"' in page.get("/").content.decode()


def test_old_plain_text_tokens_are_moved_hashed_by_the_migration(world):
    import importlib

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    migration = importlib.import_module("governance.migrations.0006_api_tokens_from_authtoken")
    old = Token.objects.create(user=world.users.worker)
    migration.forwards(apps, None)
    assert not Token.objects.exists()
    moved = ApiToken.objects.get(user=world.users.worker)
    assert moved.key_hash == key_hash(old.key) and moved.device_name == ""
    assert with_key(old.key).get("/api/v1/users/me/").status_code == 200
