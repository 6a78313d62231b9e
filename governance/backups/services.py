"""Backing up and restoring the whole system: the database and the media files.

Backup: the database first, then the media. pg_dump (custom format) reads one consistent snapshot
while the site runs; media files are added (a photo is written before the row that names it
commits, and a rolled-back one is deleted), so every file a row of the dump names exists when the
media are copied afterwards. A file added after the snapshot may be copied too: harmless. The one
file that goes away is a photo's upload as received, once it is re-encoded (casework.photos): it
is skipped if it vanishes mid-copy, and the re-encoded JPEG beside it under the same name (`.jpg`
for `.upload`) is what a restored row that still names the upload is given.
On SQLite (the embedded demo) the database is copied with SQLite's online backup API, equally
consistent. A manifest lists every file with its SHA-256, the code's commit and the applied
migrations.

Restore: the checksums are verified before anything is touched; the target database must be
empty (no tables: created with createdb, not migrated) and the media folder empty or absent;
then pg_restore (or the SQLite file copy) and the media files. Afterwards `manage.py migrate`
brings an older backup up to the running code (docs/operations-backup.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from governance.backups import manifest
from governance.backups.manifest import BackupError

PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_DIR = "media"
# Row counts written into the manifest and checked after a restore: the case loop's main tables.
COUNTED = ("incidents.Incident", "incidents.IncidentEvent", "incidents.IncidentPhoto", "grids.User",
           "inspections.Enterprise", "inspections.Hazard", "governance.AuditEntry")


def _copy_unless_gone(source, target):
    """shutil.copy2, skipping a file removed since the folder was listed (a re-encoded photo's upload)."""
    try:
        return shutil.copy2(source, target)
    except FileNotFoundError:
        return target


def _vendor(db: dict) -> str:
    engine = db["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"backups know PostgreSQL and SQLite, not {engine}")


def _pg_env(db: dict) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore, the password through the environment only."""
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _counts(alias: str) -> dict[str, int]:
    counts = {}
    for label in COUNTED:
        try:
            counts[label] = apps.get_model(label)._base_manager.using(alias).count()
        except DatabaseError:  # a table an older backup does not have yet (before `migrate`)
            counts[label] = -1
    return counts


def create_backup(destination: Path, *, alias: str = "default", media_root: Path | None = None,
                  tarball: bool = False, now: datetime | None = None) -> Path:
    """A new backup under `destination` (a folder, created if needed): a folder backup-<time>
    (or backup-<time>.tar.gz with `tarball`) holding the database, media/ and manifest.json."""
    db = settings.DATABASES[alias]
    vendor = _vendor(db)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    root = destination / f"backup-{stamp}"
    if root.exists() or root.with_suffix(".tar.gz").exists():
        raise BackupError(f"{root} exists already")
    root.mkdir()
    try:
        counts = _counts(alias)
        migrations = _applied_migrations(alias)
        if vendor == "postgresql":
            args, env = _pg_env(db)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(root / PG_DUMP_FILE), *args], env)
            database_file = PG_DUMP_FILE
        else:
            target = sqlite3.connect(root / SQLITE_FILE)
            source = sqlite3.connect(str(db["NAME"]))
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
            database_file = SQLITE_FILE
        if media_root.is_dir():
            shutil.copytree(media_root, root / MEDIA_DIR, symlinks=False, copy_function=_copy_unless_gone)
        else:
            (root / MEDIA_DIR).mkdir()
        manifest.write(root, {
            "format": manifest.FORMAT,
            "created_at": timezone.now().isoformat(),
            "code_version": manifest.code_version(),
            "api_version": settings.SPECTACULAR_SETTINGS.get("VERSION", ""),
            "database": {"vendor": vendor, "file": database_file, "name": str(db["NAME"])},
            "migrations": migrations,
            "counts": counts,
            "files": manifest.list_files(root),
        })
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    if not tarball:
        return root
    archive = root.with_suffix(".tar.gz")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname=root.name)
    shutil.rmtree(root)
    return archive


def _unpacked(source: Path, workdir: Path) -> Path:
    if source.is_dir():
        return source
    if not tarfile.is_tarfile(source):
        raise BackupError(f"{source} is neither a backup folder nor a .tar.gz made by manage.py backup")
    with tarfile.open(source) as tar:
        tar.extractall(workdir, filter="data")  # no absolute paths, no links out, no devices
    folders = [p for p in workdir.iterdir() if p.is_dir()]
    if len(folders) != 1:
        raise BackupError(f"{source} should hold one backup folder, it holds {len(folders)}")
    return folders[0]


def _pg_is_empty(alias: str) -> list[str]:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
            "ORDER BY table_name LIMIT 5"
        )
        return [row[0] for row in cursor.fetchall()]


def restore_backup(source: Path, *, alias: str = "default", media_root: Path | None = None) -> dict:
    """Restore a backup (folder or .tar.gz) into the EMPTY database `alias` and the empty media
    folder; returns the manifest. Refuses (BackupError), changing nothing, when a checksum does not
    match, the database has any table, or the media folder holds any file."""
    db = settings.DATABASES[alias]
    vendor = _vendor(db)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="restore-") as workdir:
        root = _unpacked(Path(source), Path(workdir))
        data = manifest.read(root)
        manifest.verify(root, data)
        if data["database"]["vendor"] != vendor:
            raise BackupError(f"this backup holds a {data['database']['vendor']} database; the target is {vendor}")
        if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
            raise BackupError(f"the media folder {media_root} is not empty: restore only into an empty one")
        database_file = root / data["database"]["file"]
        if vendor == "postgresql":
            tables = _pg_is_empty(alias)
            if tables:
                raise BackupError(f"the database {db['NAME']} is not empty (tables {', '.join(tables)}…): "
                                  "restore only into a new database made with createdb")
            connections[alias].close()
            args, env = _pg_env(db)
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  *args, str(database_file)], env)
        else:
            target = Path(db["NAME"])
            connections[alias].close()
            if target.exists() and target.stat().st_size > 0:
                with sqlite3.connect(target) as probe:
                    tables = [r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 5")]
                if tables:
                    raise BackupError(f"the database {target} is not empty (tables {', '.join(tables)}…): "
                                      "restore only into a new, empty file")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(database_file, target)
        media_root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(root / MEDIA_DIR, media_root, dirs_exist_ok=True)
    return data


def check_restored(data: dict, *, alias: str = "default") -> dict[str, tuple[int, int]]:
    """The row counts the manifest recorded against the restored database's: {label: (then, now)} of the differing."""
    now = _counts(alias)
    return {label: (then, now.get(label, -1)) for label, then in data.get("counts", {}).items() if now.get(label) != then}
