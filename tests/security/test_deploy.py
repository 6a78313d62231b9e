"""Production settings (issue 18): with the production environment documented in the README,
`manage.py check --deploy` reports nothing, and the API schema generates without a warning (the
filter fields have their real types)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parents[2]

# The README's production environment ("On PostgreSQL and Redis", "Production: nginx").
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-secret-" + "9" * 20,
    "ALLOWED_HOSTS": "grid.example.cn",
    "PRIVATE_MEDIA_ACCEL": "x-accel",
}


def check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_"))}
    env.update(PRODUCTION, VAR_DIR=str(tmp_path / "var"), **extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_check_deploy_with_the_documented_production_environment_is_clean(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_turning_the_ssl_redirect_off_is_an_explicit_choice_that_check_deploy_reports(tmp_path):
    result = check_deploy(tmp_path, SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_development_has_no_hsts_and_no_redirect(settings):
    # The test settings are the development ones (DEBUG unset): plain HTTP on 127.0.0.1 works.
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SECURE_HSTS_SECONDS == 0


@pytest.mark.django_db
def test_the_api_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn raises on any warning, e.g. a filter field whose type could not be found.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    assert "name: on_time\n        schema:\n          type: boolean" in schema
