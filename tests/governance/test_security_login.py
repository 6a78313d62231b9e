"""Login throttling (django-axes) on the HTML login, the admin login and the API token endpoint,
the administrator's unlock, the log lines, and the password rules with their Chinese messages."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db

CHINESE = {"Accept-Language": "zh-hans"}
LOCKED_ZH = "登录失败次数过多"


def html_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def token_login(username, password):
    return APIClient(headers=CHINESE).post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_sixth_wrong_password_and_then_the_right_one_are_refused_on_the_html_login(world):
    client = Client(headers=CHINESE)
    for _ in range(4):
        assert html_login(client, "p_worker", "wrong").status_code == 200
    sixth = None
    for _ in range(2):
        sixth = html_login(client, "p_worker", "wrong")
    assert sixth.status_code == 429
    assert LOCKED_ZH in sixth.content.decode()
    right = html_login(client, "p_worker", f.PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sixth_wrong_password_and_then_the_right_one_are_refused_on_the_token_endpoint(world):
    for _ in range(4):
        assert token_login("p_worker", "wrong").status_code == 400
    for _ in range(2):
        sixth = token_login("p_worker", "wrong")
    assert sixth.status_code == 429
    body = sixth.json()
    assert body["code"] == "locked_out"
    assert LOCKED_ZH in body["detail"]
    right = token_login("p_worker", f.PASSWORD)
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out"
    assert "token" not in right.json()


def test_admin_login_is_throttled_too(world):
    client = Client(headers=CHINESE)
    for _ in range(5):
        client.post("/admin/login/", {"username": "p_admin", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "p_admin", "password": f.PASSWORD})
    assert response.status_code == 429
    assert LOCKED_ZH in response.content.decode()


def test_failures_from_one_ip_lock_it_whatever_the_usernames(world):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        token_login(name, "wrong")
    assert token_login("p_worker", f.PASSWORD).status_code == 429
    # Another address may still log in as that user.
    other = APIClient(REMOTE_ADDR="10.0.0.9").post("/api/v1/auth/token/", {"username": "p_worker", "password": f.PASSWORD}, format="json")
    assert other.status_code == 200


def test_the_limit_comes_from_settings(world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    token_login("p_worker", "wrong")
    assert token_login("p_worker", "wrong").status_code == 429


def test_axes_reset_lifts_a_lockout(world):
    for _ in range(6):
        token_login("p_worker", "wrong")
    assert token_login("p_worker", f.PASSWORD).status_code == 429
    call_command("axes_reset_username", "p_worker")
    call_command("axes_reset")
    assert not AccessAttempt.objects.exists()
    assert token_login("p_worker", f.PASSWORD).status_code == 200
    client = Client()
    assert html_login(client, "p_worker", f.PASSWORD).status_code == 302


def test_failures_and_lockouts_are_recorded_and_logged(world, caplog):
    with caplog.at_level(logging.WARNING, logger="governance.security"):
        for _ in range(5):
            token_login("p_worker", "wrong")
    messages = [r.getMessage() for r in caplog.records if r.name == "governance.security"]
    assert sum("login failed: username='p_worker'" in m for m in messages) == 5
    assert any("login locked out: username='p_worker'" in m for m in messages)
    attempt = AccessAttempt.objects.get(username="p_worker")
    assert attempt.failures_since_start == 5


# --- password rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pw", "密码长度太短。密码必须包含至少 10 个字符。"),
        ("password123", "这个密码太常见了。"),
        ("38291046571", "密码只包含数字。"),
        ("p_worker_2026", "密码跟 用户名 太相似了。"),
    ],
)
def test_password_rules_refuse_with_chinese_messages(world, password, message):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            validate_password(password, world.users.worker)
        assert message in refused.value.messages


def test_minimum_length_comes_from_settings(world, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 14}}
    ]
    with pytest.raises(ValidationError):
        validate_password("a-longer-one")
    validate_password("a-longer-one-14!")


def test_password_change_page_shows_the_rules_in_chinese(world):
    client = Client(headers=CHINESE)
    client.force_login(world.users.worker)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": f.PASSWORD, "new_password1": "p_worker1", "new_password2": "p_worker1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "密码长度太短。密码必须包含至少 10 个字符。" in page
    assert "太相似了" in page
    world.users.worker.refresh_from_db()
    assert world.users.worker.check_password(f.PASSWORD)


def test_demo_password_still_works_for_demo_users(db, settings):
    from django.contrib.auth.hashers import make_password

    user = f.UserFactory(username="demo_user")
    user.password = make_password(settings.DEMO_PASSWORD)  # seed_demo sets it directly, not through the rules
    user.save(update_fields=["password"])
    assert html_login(Client(), "demo_user", settings.DEMO_PASSWORD).status_code == 302
