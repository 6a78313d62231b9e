"""`manage.py backup` → `manage.py restore` (issue 17), run as an operator runs them: a data set made
through the services, a backup to a folder, a new empty PostgreSQL database made with CREATE DATABASE,
the restore into it with an empty media folder, and every case, photo file and timeline event found
there. Also: a database that is not empty and a backup whose checksums do not match are refused before
anything is written; the SQLite path of the embedded demo."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from governance.audit.models import AuditEntry
from governance.backups import manifest
from governance.backups.manifest import BackupError
from governance.backups.services import create_backup, restore_backup
from incidents.models import Incident, IncidentEvent, IncidentPhoto
from tests.incidents import factories as cf

pytestmark = pytest.mark.services
committed = pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def data_set(postgres, world, media):
    """Cases in several states through the services: photos on intake and on the self-handled one,
    timeline events of every step, an audit entry (the append-only table)."""
    cats = cf.category_tree(world)
    cases = [cf.case_in(status, world, cats) for status in ("reported", "dispatched", "closed", "self_handled")]
    latitude, longitude = cf.centre(world.cell_a1x)
    from incidents import services

    cases.append(services.report_incident(
        reporter=world.users.worker, category=cats.gas.pk, description="燃气味很重, two photos",
        latitude=latitude, longitude=longitude, photos=[cf.upload(), cf.upload()],
    ))
    AuditEntry.objects.create(at=timezone.now(), kind="login", username="p_worker")
    assert IncidentPhoto.objects.count() >= 3 and IncidentEvent.objects.count() > len(cases)
    return cases


def _fingerprint(media_root: Path, cursor) -> dict:
    """What must survive a restore: every case, every event, every photo row and its file's bytes."""
    def rows(sql):
        cursor.execute(sql)
        return sorted(cursor.fetchall())

    return {
        "cases": rows("SELECT id, code, status, description FROM incidents_incident"),
        "events": rows("SELECT id, incident_id, kind, created_at FROM incidents_incidentevent"),
        "photos": sorted((pk, case, name, _sha(media_root / name)) for pk, case, name in
                         rows("SELECT id, incident_id, image FROM incidents_incidentphoto")),
        "audit": rows("SELECT id, kind, username FROM governance_auditentry"),
    }


def _here(media_root: Path) -> dict:
    with connection.cursor() as cursor:
        return _fingerprint(media_root, cursor)


@pytest.fixture
def empty_database():
    """A new PostgreSQL database, as `createdb` makes it; dropped after. Yields its connection URL."""
    default = connections["default"].settings_dict
    name = f"{default['NAME']}_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = default.get("USER") or "postgres"
    password = f":{default['PASSWORD']}" if default.get("PASSWORD") else ""
    url = f"postgres://{user}{password}@{default.get('HOST') or '127.0.0.1'}:{default.get('PORT') or 5432}/{name}"
    yield url
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _cursor(url: str):
    db = psycopg2.connect(url)
    db.autocommit = True
    try:
        with db.cursor() as cursor:
            yield cursor
    finally:
        db.close()


def _tables(url: str) -> list[str]:
    with _cursor(url) as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        return [row[0] for row in cursor.fetchall()]


def _manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    """manage.py as the operator runs it: its own process, the target in DATABASE_URL and MEDIA_ROOT."""
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@committed
def test_a_backup_restored_into_a_new_database_holds_every_case_photo_and_event(
    data_set, media, empty_database, tmp_path, capsys
):
    before = _here(media)
    call_command("backup", output=str(tmp_path / "backups"), keep_daily=7, keep_weekly=4, keep_monthly=6)
    folder = Path(capsys.readouterr().out.strip())
    data = manifest.read(folder)
    assert data["database"]["vendor"] == "postgresql" and (folder / "database.dump").stat().st_size > 0
    assert data["counts"]["incidents.Incident"] == len(data_set)
    assert {e["path"] for e in data["files"]} >= {f"media/{p[2]}" for p in before["photos"]}

    restored_media = tmp_path / "restored-media"
    done = _manage("restore", str(folder), database_url=empty_database, media_root=restored_media)
    assert done.returncode == 0, done.stderr
    assert "restored the backup" in done.stdout

    with _cursor(empty_database) as cursor:
        assert _fingerprint(restored_media, cursor) == before
        assert before["photos"] and before["events"] and before["audit"]
        # The audit trail is still append-only in the restored database: its trigger came back with it.
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="append-only"):
            cursor.execute("UPDATE governance_auditentry SET username = 'someone else'")
    # Nothing is pending after the restore of a backup made by the same code.
    check = _manage("migrate", "--check", database_url=empty_database, media_root=restored_media)
    assert check.returncode == 0, check.stdout + check.stderr


@committed
def test_a_tarball_restores_too(data_set, media, empty_database, tmp_path):
    before = _here(media)
    archive = create_backup(tmp_path / "backups", tarball=True)
    assert archive.name.endswith(".tar.gz") and [p.name for p in archive.parent.iterdir()] == [archive.name]
    restored_media = tmp_path / "restored-media"
    done = _manage("restore", str(archive), database_url=empty_database, media_root=restored_media)
    assert done.returncode == 0, done.stderr
    with _cursor(empty_database) as cursor:
        assert _fingerprint(restored_media, cursor) == before


@committed
def test_restore_refuses_a_database_that_is_not_empty(data_set, media, tmp_path, settings):
    folder = create_backup(tmp_path / "backups")
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(folder))  # the default database: migrated, with data
    assert Incident.objects.count() == len(data_set)
    assert not (tmp_path / "restored-media").exists()


@committed
def test_restore_refuses_a_media_folder_that_is_not_empty(data_set, media, empty_database, tmp_path):
    folder = create_backup(tmp_path / "backups")
    done = _manage("restore", str(folder), database_url=empty_database, media_root=media)
    assert done.returncode != 0 and "media folder" in done.stderr
    assert _tables(empty_database) == []


@committed
def test_a_corrupted_backup_is_refused_before_anything_is_written(data_set, media, empty_database, tmp_path):
    folder = create_backup(tmp_path / "backups")
    photo = next(p for p in (folder / "media").rglob("*") if p.is_file())
    photo.write_bytes(photo.read_bytes()[:-1] + b"\x00")
    restored_media = tmp_path / "restored-media"
    done = _manage("restore", str(folder), database_url=empty_database, media_root=restored_media)
    assert done.returncode != 0 and "checksum mismatch" in done.stderr
    assert _tables(empty_database) == [] and not restored_media.exists()

    folder = create_backup(tmp_path / "more-backups")
    with (folder / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    with pytest.raises(BackupError, match="checksum mismatch"):
        restore_backup(folder, media_root=restored_media)  # checked before the target is even looked at
    (folder / "media" / "stray.txt").write_text("not backed up")
    with pytest.raises(BackupError, match="do not match its manifest"):
        restore_backup(folder, media_root=restored_media)
    assert Incident.objects.count() == len(data_set) and not restored_media.exists()


def test_a_folder_that_is_not_a_backup_is_refused(tmp_path):
    (tmp_path / "nothing").mkdir()
    with pytest.raises(BackupError, match="no manifest.json"):
        restore_backup(tmp_path / "nothing", media_root=tmp_path / "m")
    (tmp_path / "nothing" / "manifest.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(BackupError, match="format 99"):
        restore_backup(tmp_path / "nothing", media_root=tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_the_sqlite_backup_restores_into_a_new_file(tmp_path, django_db_blocker):
    """The embedded demo's path: SQLite's online backup, and the copy into a new, empty file."""
    source = tmp_path / "demo.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE incidents_incident (id INTEGER PRIMARY KEY, code TEXT)")
        db.executemany("INSERT INTO incidents_incident (code) VALUES (?)", [("XH-2026-000001",), ("XH-2026-000002",)])
    (tmp_path / "media" / "incidents").mkdir(parents=True)
    (tmp_path / "media" / "incidents" / "a.jpg").write_bytes(b"\xff\xd8photo")
    target = tmp_path / "restored.sqlite3"
    with django_db_blocker.unblock():
        _sqlite_round_trip(source, target, tmp_path)


def _sqlite_round_trip(source: Path, target: Path, tmp_path: Path) -> None:
    engine = "django.db.backends.sqlite3"
    # With Django's defaults filled in, as for the databases of the settings file.
    filled = connections.configure_settings({
        "default": {"ENGINE": engine, "NAME": ":memory:"},
        "sqlite_source": {"ENGINE": engine, "NAME": source}, "sqlite_target": {"ENGINE": engine, "NAME": target},
    })
    settings.DATABASES.update({alias: filled[alias] for alias in ("sqlite_source", "sqlite_target")})
    try:
        folder = create_backup(tmp_path / "backups", alias="sqlite_source", media_root=tmp_path / "media")
        assert manifest.read(folder)["database"]["vendor"] == "sqlite"
        restore_backup(folder, alias="sqlite_target", media_root=tmp_path / "restored-media")
        with sqlite3.connect(target) as db:
            assert db.execute("SELECT code FROM incidents_incident ORDER BY id").fetchall() == [
                ("XH-2026-000001",), ("XH-2026-000002",)]
        assert (tmp_path / "restored-media" / "incidents" / "a.jpg").read_bytes() == b"\xff\xd8photo"
        with pytest.raises(BackupError, match="is not empty"):
            restore_backup(folder, alias="sqlite_target", media_root=tmp_path / "other-media")
    finally:
        for alias in ("sqlite_source", "sqlite_target"):
            if alias in connections:
                connections[alias].close()
                del connections[alias]
            del settings.DATABASES[alias]
