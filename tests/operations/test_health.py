"""/healthz answers without the database; /readyz checks database, Redis, migrations, media and
beat's heartbeat, and turns red (503) when any of them fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from governance.operations.models import Heartbeat
from tests.operations.conftest import beat_all


def ready(client):
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_liveness_needs_no_database(client):
    # No db fixture: pytest-django would refuse any query.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_everything_answers(client, fresh_heartbeat, settings, redis_url):
    status, body = ready(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "migrations", "media", "beat"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_embedded_mode_skips_redis_with_a_note(client, fresh_heartbeat, settings):
    settings.REDIS_URL = ""
    status, body = ready(client)
    assert status == 200, body
    assert body["checks"]["redis"]["status"] == "skipped"
    assert "REDIS_URL" in body["checks"]["redis"]["note"]


def test_redis_down_is_not_ready(client, fresh_heartbeat, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    status, body = ready(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["redis"]["status"] == "fail"
    assert "Unable to connect to Redis" in body["checks"]["redis"]["error"]
    assert body["checks"]["database"]["status"] == "ok"


def test_a_pending_migration_is_not_ready(client, fresh_heartbeat, settings):
    settings.REDIS_URL = ""
    MigrationRecorder.Migration.objects.filter(app="governance", name="0005_heartbeat").delete()
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["migrations"]["status"] == "fail"
    assert "1 not applied: governance.0005_heartbeat" in body["checks"]["migrations"]["error"]


def test_a_beat_heartbeat_older_than_five_minutes_is_not_ready(client, db, settings):
    settings.REDIS_URL = ""
    beat_all(timezone.now() - dt.timedelta(minutes=4))
    assert ready(client)[0] == 200
    Heartbeat.objects.filter(name="sweep-deadlines").update(last_started_at=timezone.now() - dt.timedelta(minutes=6))
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["beat"]["status"] == "fail"
    assert body["checks"]["beat"]["error"] == "sweep-deadlines has not run for 6 minutes"


def test_beat_that_never_ran_is_not_ready(client, db, settings):
    settings.REDIS_URL = ""
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["beat"]["error"] == "beat has never run here"


def test_media_that_cannot_be_written_is_not_ready(client, fresh_heartbeat, settings, tmp_path):
    settings.REDIS_URL = ""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = str(blocker / "media")
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["media"]["status"] == "fail"


def test_database_down_is_not_ready(client, fresh_heartbeat, settings, monkeypatch):
    settings.REDIS_URL = ""
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused: the server is down")

    monkeypatch.setattr(connection, "temporary_connection", refuse)
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["database"]["status"] == "fail"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_answer_get_only(client, db, path):
    assert client.post(path).status_code == 405
