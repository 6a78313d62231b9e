"""Settings come only from the environment: embedded fallbacks, service URLs, and failing fast.

Each case imports governance.settings in a fresh Python process with a controlled environment,
because the module reads the environment once, at import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from governance.env import ConfigurationError, env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parents[2]

# Variables the settings read; the parent process (CI) may set some of them, so each run starts clean.
SETTINGS_VARS = (
    "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "VAR_DIR",
    "MEDIA_ROOT", "DB_CONN_MAX_AGE", "CELERY_TASK_ALWAYS_EAGER", "MAP_TILES", "TIANDITU_KEY", "EMAIL_BACKEND",
    "DEFAULT_FROM_EMAIL", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LOG_LEVEL", "DJANGO_SETTINGS_MODULE",
    "DASHBOARD_CACHE_SECONDS", "DASHBOARD_WARM_SECONDS", "MEETING_AGENDA_REFRESH_MINUTES",
)

PROBE = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "governance.settings"
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""), "port": db.get("PORT", ""),
    "user": db.get("USER", ""), "conn_max_age": db.get("CONN_MAX_AGE"),
    "cache": s.CACHES["default"]["BACKEND"], "cache_location": s.CACHES["default"].get("LOCATION", ""),
    "broker": s.CELERY_BROKER_URL, "broker_options": s.CELERY_BROKER_TRANSPORT_OPTIONS,
    "debug": s.DEBUG, "secret_key": s.SECRET_KEY, "allowed_hosts": s.ALLOWED_HOSTS,
    "time_zone": s.TIME_ZONE, "use_tz": s.USE_TZ, "language": s.LANGUAGE_CODE,
    "languages": [code for code, _name in s.LANGUAGES], "staticfiles": s.STORAGES["staticfiles"]["BACKEND"],
    "session_cookie_secure": getattr(s, "SESSION_COOKIE_SECURE", False), "user_model": s.AUTH_USER_MODEL,
    "beat": sorted(s.CELERY_BEAT_SCHEDULE), "dashboard_cache": s.DASHBOARD_CACHE_SECONDS,
    "dashboard_warm": s.DASHBOARD_WARM_SECONDS,
}))
"""


def run_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    clean.update({"VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(BASE_DIR)})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def loaded(tmp_path: Path, **env: str) -> dict:
    result = run_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def refused(tmp_path: Path, **env: str) -> str:
    """The settings refuse to load; the last line of the traceback is the ConfigurationError."""
    result = run_settings(tmp_path, **env)
    assert result.returncode != 0, result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("governance.env.ConfigurationError: "), result.stderr[-2000:]
    return last.removeprefix("governance.env.ConfigurationError: ")


# --- whole settings in a subprocess -----------------------------------------------------------------


def test_nothing_set_runs_embedded_on_sqlite_locmem_and_a_folder_broker(tmp_path):
    s = loaded(tmp_path)
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(tmp_path / "var" / "db.sqlite3")
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["broker"] == "filesystem://"
    queue = tmp_path / "var" / "celery" / "queue"
    assert s["broker_options"]["data_folder_in"] == s["broker_options"]["data_folder_out"] == str(queue)
    assert queue.is_dir() and (tmp_path / "var" / "celery" / "processed").is_dir()
    assert s["debug"] is True
    assert s["secret_key"]  # a development key, only because DEBUG is on
    assert "127.0.0.1" in s["allowed_hosts"] and "localhost" in s["allowed_hosts"]
    assert (s["time_zone"], s["use_tz"], s["language"]) == ("Asia/Shanghai", True, "zh-hans")
    assert s["languages"] == ["zh-hans", "en"]
    assert s["user_model"] == "grids.User"


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_database_url_selects_postgresql(tmp_path, scheme):
    s = loaded(tmp_path, DATABASE_URL=f"{scheme}://grid:pw@db.example:6543/grid_prod", DB_CONN_MAX_AGE="30")
    assert s["engine"] == "django.db.backends.postgresql"
    assert (s["name"], s["host"], s["port"], s["user"]) == ("grid_prod", "db.example", 6543, "grid")
    assert s["conn_max_age"] == 30
    # Without REDIS_URL the rest stays embedded.
    assert s["cache"].endswith("LocMemCache") and s["broker"] == "filesystem://"


def test_sqlite_database_url_is_accepted(tmp_path):
    s = loaded(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3")
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == f"{tmp_path}/other.sqlite3"


def test_redis_url_selects_redis_for_cache_and_broker(tmp_path):
    s = loaded(tmp_path, REDIS_URL="redis://cache.example:6380/2")
    assert s["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert s["cache_location"] == "redis://cache.example:6380/2"
    assert s["broker"] == "redis://cache.example:6380/2"
    assert not (tmp_path / "var" / "celery").exists()


# What beat runs everywhere (the dashboards' warming only with a shared cache).
BEAT = ["compute-assessment-scores", "prepare-weekly-agenda", "purge-audit-trail", "refresh-weekly-agenda",
        "remove-expired-personal-data", "sweep-appeals", "sweep-deadlines", "sweep-hazard-deadlines", "sweep-interviews"]
BEAT = sorted([*BEAT, "sweep-contractor-major-reports", "process-pending-photos"])


def test_dashboards_are_warmed_by_beat_only_with_a_shared_cache(tmp_path):
    embedded = loaded(tmp_path)
    assert embedded["dashboard_cache"] == 60 and embedded["dashboard_warm"] == 0
    assert embedded["beat"] == BEAT
    redis = loaded(tmp_path, REDIS_URL="redis://cache.example:6380/2")
    assert redis["dashboard_warm"] == 60
    assert redis["beat"] == sorted([*BEAT, "warm-dashboards"])
    assert loaded(tmp_path, REDIS_URL="redis://cache.example:6380/2", DASHBOARD_WARM_SECONDS="0")["beat"] == [
        *BEAT,
    ]
    assert "DASHBOARD_WARM_SECONDS" in refused(tmp_path, DASHBOARD_WARM_SECONDS="-5")


def test_the_weekly_agenda_is_kept_current_by_beat_unless_turned_off(tmp_path):
    assert "refresh-weekly-agenda" in loaded(tmp_path)["beat"]
    assert "refresh-weekly-agenda" not in loaded(tmp_path, MEETING_AGENDA_REFRESH_MINUTES="0")["beat"]
    assert "MEETING_AGENDA_REFRESH_MINUTES" in refused(tmp_path, MEETING_AGENDA_REFRESH_MINUTES="-1")


def test_production_settings_with_secret_key(tmp_path):
    s = loaded(tmp_path, DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="grid.example.cn, www.grid.example.cn")
    assert s["debug"] is False
    assert s["secret_key"] == "s" * 50
    assert s["allowed_hosts"] == ["grid.example.cn", "www.grid.example.cn"]
    assert s["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert s["session_cookie_secure"] is True


def test_debug_off_without_secret_key_fails_fast(tmp_path):
    assert refused(tmp_path, DEBUG="0") == "SECRET_KEY must be set when DEBUG is off"
    assert refused(tmp_path, DEBUG="false", SECRET_KEY="") == "SECRET_KEY must be set when DEBUG is off"


def test_debug_off_has_no_default_allowed_hosts(tmp_path):
    assert loaded(tmp_path, DEBUG="off", SECRET_KEY="k" * 50)["allowed_hosts"] == []


def test_debug_that_is_not_a_boolean_fails_naming_debug(tmp_path):
    message = refused(tmp_path, DEBUG="maybe")
    assert message.startswith("DEBUG must be a boolean")
    assert "'maybe'" in message


@pytest.mark.parametrize("url", ["mysql://x", "mysql://root@localhost/grid", "localhost:5432/grid", "postgis://h/db"])
def test_unsupported_database_url_fails_naming_database_url(tmp_path, url):
    message = refused(tmp_path, DATABASE_URL=url)
    assert message.startswith("DATABASE_URL must start with one of postgres://, postgresql://, sqlite://")
    assert repr(url) in message


def test_redis_url_with_another_scheme_fails(tmp_path):
    assert refused(tmp_path, REDIS_URL="memcached://x").startswith("REDIS_URL must start with one of redis://, rediss://")


def test_negative_connection_age_fails(tmp_path):
    assert refused(tmp_path, DATABASE_URL="postgres://h/db", DB_CONN_MAX_AGE="-1") == "DB_CONN_MAX_AGE must be at least 0, got -1"


def test_map_tiles_are_checked(tmp_path):
    assert refused(tmp_path, MAP_TILES="google").startswith("MAP_TILES must be osm, tianditu or none")
    assert refused(tmp_path, MAP_TILES="tianditu") == "MAP_TILES=tianditu needs TIANDITU_KEY"
    loaded(tmp_path, MAP_TILES="tianditu", TIANDITU_KEY="abc")


# --- the typed helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on", " 1 "])
def test_env_bool_true(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "OFF", ""])
def test_env_bool_false(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=True) is False


def test_env_bool_default_and_bad_value(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG") is False and env_bool("FLAG", default=True) is True
    monkeypatch.setenv("FLAG", "2")
    with pytest.raises(ConfigurationError, match=r"^FLAG must be a boolean .*got '2'$"):
        env_bool("FLAG")


def test_env_int(monkeypatch):
    monkeypatch.delenv("N", raising=False)
    assert env_int("N", 7) == 7
    monkeypatch.setenv("N", "")
    assert env_int("N", 7) == 7
    monkeypatch.setenv("N", " 42 ")
    assert env_int("N", 7) == 42
    monkeypatch.setenv("N", "4.5")
    with pytest.raises(ConfigurationError, match=r"^N must be an integer, got '4.5'$"):
        env_int("N", 7)
    monkeypatch.setenv("N", "3")
    with pytest.raises(ConfigurationError, match=r"^N must be at least 5, got 3$"):
        env_int("N", 7, minimum=5)
    assert env_int("N", 7, minimum=3) == 3


def test_env_list(monkeypatch):
    monkeypatch.delenv("HOSTS", raising=False)
    assert env_list("HOSTS") == []
    default = ["a"]
    got = env_list("HOSTS", default)
    assert got == ["a"] and got is not default
    monkeypatch.setenv("HOSTS", " a.example , ,b.example,")
    assert env_list("HOSTS", ["ignored"]) == ["a.example", "b.example"]
    monkeypatch.setenv("HOSTS", "")
    assert env_list("HOSTS", ["ignored"]) == []


def test_env_str(monkeypatch):
    monkeypatch.delenv("NAME", raising=False)
    assert env_str("NAME") == "" and env_str("NAME", "x") == "x"
    monkeypatch.setenv("NAME", "value")
    assert env_str("NAME", "x") == "value"


def test_env_url(monkeypatch):
    monkeypatch.delenv("URL", raising=False)
    assert env_url("URL", schemes=("redis",)) == ""
    monkeypatch.setenv("URL", "   ")
    assert env_url("URL", schemes=("redis",)) == ""
    monkeypatch.setenv("URL", " redis://h:1/0 ")
    assert env_url("URL", schemes=("redis", "rediss")) == "redis://h:1/0"
    for bad in ("http://h", "redis:/h", "h:6379", "REDIS://h"):
        monkeypatch.setenv("URL", bad)
        with pytest.raises(ConfigurationError, match=r"^URL must start with one of redis://"):
            env_url("URL", schemes=("redis",))
