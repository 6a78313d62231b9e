"""An upgrade from the previous release (issue 17), run as docs/operations-backup.md ("Upgrades") says:
a new PostgreSQL database is brought to the previous release's schema, rows are written through the
models of that schema, then `manage.py migrate` and `manage.py rebuild_rollups --check` of this code
run in their own processes, and the rows are checked: nothing lost, new columns at their defaults,
the backfills done (hazards' referral clock, API tokens from the old authtoken keys, the rollups).

The previous release is commit 80a276a (the merge of 2 December 05:40 UTC, before the contractors,
assessment, Open311, offline intake, rollups, audit trail and API-token migrations): the leaf migration
of each app at that commit is listed in PREVIOUS_RELEASE. The database is a separate one, created and
dropped by the test, so the test database of the other tests is never touched."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from contextlib import contextmanager

import psycopg2
import pytest
from django.conf import settings

from tests.conftest import REQUIRE_SERVICES, _missing

pytestmark = pytest.mark.services

# The leaf migration of every app of ours at the previous release (None: the app did not exist).
# Apps not listed (Django's, DRF's, axes) are taken at their leaves: their versions did not change.
PREVIOUS_RELEASE = {
    "casework": "0002_once_tokens",
    "grids": "0007_department_name_en",
    "incidents": "0010_intake_token",
    "inspections": "0008_one_refusal_evidence",
    "governance": "0004_merge_0003_hazard_subject_0003_personal_data",
    "contractors": None,
}
REPORTED_AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
FEEDBACK_DUE = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
TOKEN_KEY = "0123456789abcdef0123456789abcdef01234567"


def load_previous_release() -> None:
    """Run in its own process (LOAD) with DATABASE_URL set to the new database: migrate it to the previous
    release's schema and write rows through that schema's (historical) models."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = [(app, PREVIOUS_RELEASE.get(app, name)) for app, name in executor.loader.graph.leaf_nodes()]
    executor.migrate(targets)
    old = MigrationExecutor(connection).loader.project_state([t for t in targets if t[1]]).apps
    model = old.get_model

    sd = model("grids", "SubDistrict").objects.create(name="辛河街道", code="370212001", case_prefix="XH")
    zone = model("grids", "Zone").objects.create(name="第一管区", number=1, subdistrict=sd)
    community = model("grids", "Community").objects.create(name="东岭社区", code="001", kind="urban", zone=zone)
    boundary = {"type": "Polygon", "coordinates": [[[120, 36], [120.01, 36], [120.01, 36.01], [120, 36.01], [120, 36]]]}
    cell = model("grids", "GridCell").objects.create(code="370212001001001", name="东岭一网格", boundary=boundary,
                                                     community=community)
    department = model("grids", "Department").objects.create(name="安监所", slug="safety")
    worker = model("grids", "User").objects.create(username="old_worker", password="!", worker_kind="community_ft")
    model("authtoken", "Token").objects.create(key=TOKEN_KEY, user=worker)
    category = model("incidents", "Category").objects.create(code="gas-smell", name="燃气异味")
    for n in range(1, 4):
        case = model("incidents", "Incident").objects.create(
            code=f"XH-2026-00000{n}", description=f"燃气味很重 {n}", reported_at=REPORTED_AT, category=category,
            community=community, grid_cell=cell, reporter=worker, zone=zone, latitude=36.005, longitude=120.005,
        )
        for minutes, kind in ((0, "reported"), (5, "register"), (9, "dispatch")):
            model("incidents", "IncidentEvent").objects.create(
                incident=case, kind=kind, created_at=REPORTED_AT + dt.timedelta(minutes=minutes), actor=worker)
    enterprise = model("inspections", "Enterprise").objects.create(
        credit_code="91370212MA3C000001", name="东岭加油站", address="东岭路 1 号", community=community,
        grid_cell=cell, zone=zone)
    hazard = model("inspections", "Hazard").objects.create(
        code="YH-2026-000001", description="灭火器过期", recorded_at=REPORTED_AT, community=community,
        enterprise=enterprise, grid_cell=cell, reporter=worker, zone=zone)
    model("inspections", "Referral").objects.create(
        reason="逾期未整改", sent_at=REPORTED_AT, feedback_due_at=FEEDBACK_DUE, department=department, hazard=hazard,
        sent_by=worker)


LOAD = "import django; django.setup(); from tests.operations.test_upgrade import load_previous_release as f; f()"


@pytest.fixture
def upgrade_database():
    """A new, empty PostgreSQL database next to the test database; dropped afterwards."""
    default = settings.DATABASES["default"]
    if "postgresql" not in default["ENGINE"]:
        _missing("PostgreSQL (DATABASE_URL)", REQUIRE_SERVICES)
    name = f"{default['NAME']}_upgrade_{os.getpid()}"
    user = default.get("USER") or "postgres"
    password = f":{default['PASSWORD']}" if default.get("PASSWORD") else ""
    server = f"postgres://{user}{password}@{default.get('HOST') or '127.0.0.1'}:{default.get('PORT') or 5432}"
    with _cursor(f"{server}/postgres") as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with _cursor(f"{server}/postgres") as cursor:
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


def _run(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "governance.settings"}
    return subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def _one(cursor, sql: str):
    cursor.execute(sql)
    return cursor.fetchall()


def test_the_previous_releases_data_survives_the_upgrade_to_this_code(upgrade_database):
    loaded = _run(upgrade_database, "-c", LOAD)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    with _cursor(upgrade_database) as cursor:
        assert _one(cursor, "SELECT to_regclass('governance_auditentry'), to_regclass('contractors_contract')") == [
            (None, None)]  # really the older schema
        cases_before = _one(cursor, "SELECT id, code, description, reported_at FROM incidents_incident ORDER BY id")
        events_before = _one(cursor, "SELECT id, incident_id, kind, created_at FROM incidents_incidentevent ORDER BY id")
        ((token_created,),) = _one(cursor, "SELECT created FROM authtoken_token")

    # The upgrade, as documented: migrate (its post_migrate hook counts the old cases into the new
    # rollups), then check that nothing is pending and the rollups agree with a recount.
    migrated = _run(upgrade_database, "manage.py", "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stdout[-2000:] + migrated.stderr[-3000:]
    check = _run(upgrade_database, "manage.py", "migrate", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    rollups = _run(upgrade_database, "manage.py", "rebuild_rollups", "--check")
    assert rollups.returncode == 0, rollups.stdout + rollups.stderr

    with _cursor(upgrade_database) as cursor:
        assert _one(cursor, "SELECT id, code, description, reported_at FROM incidents_incident ORDER BY id") == cases_before
        assert _one(cursor, "SELECT id, incident_id, kind, created_at FROM incidents_incidentevent ORDER BY id") == (
            events_before)
        assert len(cases_before) == 3 and len(events_before) == 9
        # New columns at their defaults: offline intake, Open311.
        assert _one(cursor, "SELECT DISTINCT idempotency_key, observed_at, source FROM incidents_incident") == [
            (None, None, "grid_worker")]
        assert _one(cursor, "SELECT open311_public, sensitive_location FROM incidents_category") == [(False, False)]
        # Backfills: the open referral's clock onto its hazard; the old API key into a hashed device token.
        assert _one(cursor, "SELECT referral_due_at FROM inspections_hazard") == [(FEEDBACK_DUE,)]
        assert _one(cursor, "SELECT count(*) FROM authtoken_token") == [(0,)]
        assert _one(cursor, "SELECT key_hash, created_at FROM governance_apitoken") == [
            (hashlib.sha256(TOKEN_KEY.encode()).hexdigest(), token_created)]
        # The rollups count the old cases; the audit trail arrived with its append-only trigger.
        counted = _one(cursor, "SELECT count(*) FROM governance_dailycount")[0][0]
        assert counted > 0
        assert _one(cursor, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'governance_auditentry'::regclass "
                            "AND NOT tgisinternal") == [("governance_auditentry_append_only",)]
