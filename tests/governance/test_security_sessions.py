"""Session limits (idle, absolute), cookies, sessions ended on password change and by the
administrator, and API tokens that expire and can be revoked."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from governance.security.devices import issue_token
from governance.security.models import ApiToken
from governance.security.sessions import LAST_ACTIVITY, STARTED
from tests import factories as f

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def shift(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_an_active_session_stays_logged_in(world):
    client = logged_in(world.users.street)
    assert client.get("/").status_code == 200
    shift(client, LAST_ACTIVITY, 29 * 60)
    assert client.get("/").status_code == 200
    assert "_auth_user_id" in client.session


def test_idle_session_is_logged_out_after_the_idle_time(world):
    client = logged_in(world.users.street)
    assert client.get("/").status_code == 200
    shift(client, LAST_ACTIVITY, 31 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_idle_time_comes_from_settings(world, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client = logged_in(world.users.street)
    client.get("/")
    shift(client, LAST_ACTIVITY, 6 * 60)
    assert client.get("/").status_code == 302


def test_idle_session_is_refused_by_the_api_too(world):
    client = logged_in(world.users.street)
    client.get("/api/v1/users/me/")
    shift(client, LAST_ACTIVITY, 31 * 60)
    assert client.get("/api/v1/users/me/").status_code in (401, 403)


def test_a_session_ends_after_its_absolute_lifetime_however_active(world):
    client = logged_in(world.users.street)
    client.get("/")
    shift(client, STARTED, settings.SESSION_COOKIE_AGE + 1)
    assert client.get("/").status_code == 302


def test_cookies_are_samesite_lax_and_twelve_hours_by_default():
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_IDLE_MINUTES == 30


def _settings_with(env: dict) -> str:
    code = "from django.conf import settings; print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    environment = {k: v for k, v in os.environ.items() if k not in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")}
    environment.update({"DJANGO_SETTINGS_MODULE": "governance.settings", "SECRET_KEY": "x" * 50, **env})
    run = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environment, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR,
    )
    return run.stdout.strip()


def test_secure_cookies_in_production_unless_overridden():
    assert _settings_with({"DEBUG": "0"}) == "True True"
    assert _settings_with({"DEBUG": "1"}) == "False False"
    assert _settings_with({"DEBUG": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0"}) == "False False"


def test_password_change_keeps_this_session_and_ends_the_others_and_the_token(world):
    worker = world.users.worker
    here, elsewhere = Client(), Client()
    assert here.post("/accounts/login/", {"username": "p_worker", "password": f.PASSWORD}).status_code == 302
    assert elsewhere.post("/accounts/login/", {"username": "p_worker", "password": f.PASSWORD}).status_code == 302
    issue_token(user=worker)
    new = "Qz7-lantern-harbour"
    response = here.post(
        "/accounts/password_change/", {"old_password": f.PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert not ApiToken.objects.filter(user=worker).exists()


def test_administrator_ends_all_sessions_and_the_token_of_a_user(world):
    worker = world.users.worker
    one, two, other = logged_in(worker), logged_in(worker), logged_in(world.users.street)
    token, _key = issue_token(user=worker)
    call_command("end_sessions", "p_worker")
    assert one.get("/").status_code == 302
    assert two.get("/").status_code == 302
    assert other.get("/").status_code == 200
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert Session.objects.count() == 1


# --- API tokens ----------------------------------------------------------------------------------


def _token_client(key: str) -> APIClient:
    client = APIClient(headers={"Accept-Language": "en"})
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _issued(user, *, days_ago: float = 0, device_name: str = "") -> tuple[ApiToken, str]:
    """A token of `user` issued `days_ago` (with the expiry it had then)."""
    return issue_token(user=user, device_name=device_name, now=timezone.now() - timedelta(days=days_ago))


def test_an_expired_token_is_refused_with_401(world):
    _token, key = _issued(world.users.worker, days_ago=31)
    response = _token_client(key).get("/api/v1/users/me/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_within_its_days_works_and_the_days_come_from_settings(world, settings):
    _token, key = _issued(world.users.worker, days_ago=29)
    assert _token_client(key).get("/api/v1/users/me/").status_code == 200
    settings.API_TOKEN_DAYS = 7
    assert _token_client(key).get("/api/v1/users/me/").status_code == 401


def test_logging_in_again_replaces_an_expired_token(world):
    _token, key = _issued(world.users.worker, days_ago=31)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")  # the stale header does not stand in the way
    response = client.post("/api/v1/auth/token/", {"username": "p_worker", "password": f.PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] != key
    assert _token_client(response.json()["token"]).get("/api/v1/users/me/").status_code == 200
    assert ApiToken.objects.filter(user=world.users.worker).count() == 1


def test_delete_revokes_the_callers_token(world):
    token, key = issue_token(user=world.users.worker, device_name="phone")
    tablet, _tablet_key = issue_token(user=world.users.worker, device_name="tablet")
    other, _other_key = issue_token(user=world.users.street)
    client = _token_client(key)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/users/me/").status_code == 401
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert ApiToken.objects.filter(pk__in=[tablet.pk, other.pk]).count() == 2


def test_delete_without_credentials_is_401(db):
    response = APIClient().delete("/api/v1/auth/token/")
    assert response.status_code == 401
    assert "detail" in response.json()
