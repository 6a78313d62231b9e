"""`manage.py check --deploy` with the production settings of deploy/env.example prints no warning,
and the env file and the units agree with each other (issue 17)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from tests.deploy import units


def production_env(tmp_path, **overrides: str) -> dict[str, str]:
    """The process environment of a unit: only what the env file sets (plus PATH), with a real
    secret key and the state directory moved under tmp_path."""
    env = units.environment()
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "var" / "media"),
        PATH=os.environ.get("PATH", "/usr/bin:/bin"),
        **overrides,
    )
    return env


def test_the_env_file_is_the_documented_production_configuration():
    env = units.environment()
    assert env["DEBUG"] == "0"
    assert env["SECRET_KEY"].startswith("<"), "the example must not ship a usable secret key"
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_PRELOAD"):
        assert env[name] == "1", name
    assert int(env["SECURE_HSTS_SECONDS"]) >= 31536000
    assert env["PRIVATE_MEDIA_ACCEL"] == "x-accel"
    assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")
    assert env["LOG_FORMAT"] == "json"


@pytest.mark.parametrize("unit", ["grid-governance-web.service", "grid-governance-worker@.service",
                                  "grid-governance-beat.service"])
def test_every_unit_reads_the_env_file_and_runs_from_the_virtualenv(unit):
    assert units.directive(unit, "EnvironmentFile") == ["/etc/grid-governance/env"]
    assert units.directive(unit, "WorkingDirectory") == [units.APP_DIR]
    command = units.exec_start(unit, units.environment(), {"%i": "1", "%H": "host"})
    assert command[0].startswith(units.VENV_BIN)


def test_there_is_exactly_one_beat_and_it_is_not_a_template():
    beats = [path.name for path in units.UNITS.iterdir()
             if " beat" in " ".join(units.directive(path.name, "ExecStart"))]
    assert beats == ["grid-governance-beat.service"]
    # The workers never embed a beat (-B): that would be one more beat per worker.
    worker = units.exec_start("grid-governance-worker@.service", units.environment(), {"%i": "1", "%H": "h"})
    assert "-B" not in worker and "--beat" not in worker


def test_check_deploy_with_the_env_file_is_clean(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=units.BASE_DIR, env=production_env(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in result.stdout, output
    assert "WARNINGS" not in output


def test_check_deploy_notices_a_weakened_env_file(tmp_path):
    # The test above can fail: with HSTS off, check --deploy warns.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=units.BASE_DIR, env=production_env(tmp_path, SECURE_HSTS_SECONDS="0"), capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert result.returncode != 0 and "security.W004" in result.stdout + result.stderr
