"""Migrations that run on a live database without long locks (issue 17, docs/operations-backup.md
"Upgrades"): every migration written after BASELINE is read operation by operation.

- An index on an existing table is built with AddIndexConcurrently (PostgreSQL's CREATE INDEX
  CONCURRENTLY, no write lock), in a migration with `atomic = False`; a plain AddIndex or an added
  field with db_index/unique/a foreign key locks the table against writes while the index builds.
- On the big tables (cases, their timeline, photos and notifications, hazards, the rollups, the audit
  trail) no AddField that is NOT NULL (every row must get a value: a rewrite or a long scan under
  lock on older servers, a volatile default rewrites on any) and no AddConstraint (validated
  under lock), unless the migration is listed in REVIEWED with the reason it is safe.

A small check over the migration graph rather than django-migration-linter (which renders every
migration's SQL against a database and knows nothing of our big tables) or
django-pg-zero-downtime-migrations (a replacement schema editor that would change how every
existing migration runs): the rules we need are these few, and the test reads them in one place.
"""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

OURS = ("casework", "contractors", "governance", "grids", "incidents", "inspections")
# Every migration of ours on 2 December 2026: written before this rule, reviewed by hand then.
BASELINE = {
    "casework": {"0001_calendar", "0002_once_tokens"},
    "contractors": {"0001_firms_contracts_visits"},
    "governance": {
        "0001_meetings", "0002_field_labels", "0003_hazard_subject", "0003_personal_data",
        "0004_merge_0003_hazard_subject_0003_personal_data", "0005_api_tokens", "0005_assessment", "0005_audit",
        "0005_heartbeat", "0005_rollups", "0006_api_tokens_from_authtoken", "0006_assessment_schemes",
        "0007_merge_20261202_1647", "0008_merge_20261202_1650", "0009_merge_0005_audit_0008_merge_20261202_1650",
    },
    "grids": {"0001_initial", "0002_notifications", "0003_cell_updated_index", "0004_field_labels",
              "0005_delivery_outbox", "0006_external_role", "0007_department_name_en"},
    "incidents": {
        "0001_initial", "0002_seed_work_calendar", "0003_cases", "0004_point_index", "0005_limit_kind_labels",
        "0006_dashboard_period_indexes", "0007_field_labels", "0008_sweep_hot_updates",
        "0009_calendar_moved_to_casework", "0010_intake_token", "0011_offline_intake", "0011_open311",
        "0012_merge_0011_offline_intake_0011_open311",
    },
    "inspections": {
        "0001_registry_criteria_checklists", "0002_inspections_hazards", "0003_hazard_states", "0004_campaigns",
        "0004_interviews", "0005_rectification", "0006_merge_campaigns_interviews_rectification",
        "0007_hazard_event_kinds", "0008_one_refusal_evidence", "0009_hazard_side_clocks",
        "0009_hazard_source_contractor", "0010_merge_20261202_1650",
    },
}
# Tables that grow with the cases (millions of rows at 1M cases, docs/performance.md).
BIG_TABLES = {
    ("incidents", "incident"), ("incidents", "incidentevent"), ("incidents", "incidentphoto"),
    ("grids", "notification"), ("inspections", "hazard"), ("governance", "dailycount"),
    ("governance", "contribution"), ("governance", "auditentry"),
}
# (app, migration name) → why its operations on a big table are safe (reviewed by hand).
REVIEWED: dict[tuple[str, str], str] = {
    ("incidents", "0013_photos_processed"): "a boolean with a constant db_default: PostgreSQL 11+ adds it to the "
                                            "catalog (no table rewrite, no scan), and the default stays, so the previous "
                                            "release's inserts during the upgrade still work",
}

INDEXED_FIELD = "adds an index on the existing table {model}: use AddIndexConcurrently in a migration with atomic = False"


def problems(app: str, migration: migrations.Migration) -> list[str]:
    """What in `migration` would lock a live table for long (empty when it is safe)."""
    found = []
    created = {op.name_lower for op in migration.operations if isinstance(op, migrations.CreateModel)}
    concurrent = (AddIndexConcurrently, RemoveIndexConcurrently)
    for op in migration.operations:
        model = getattr(op, "model_name_lower", None) or getattr(op, "model_name", "")
        model = str(model).lower()
        if model in created:
            continue  # a table made in this very migration is empty
        if isinstance(op, concurrent):
            if migration.atomic:
                found.append(f"{type(op).__name__} needs `atomic = False` on the migration")
        elif isinstance(op, migrations.AddIndex):
            found.append(INDEXED_FIELD.format(model=model))
        elif isinstance(op, migrations.AddField):
            field = op.field
            if field.db_index or field.unique or (isinstance(field, models.ForeignKey) and field.db_index is not False):
                found.append(f"{op.name}: " + INDEXED_FIELD.format(model=model))
            if (app, model) in BIG_TABLES and not field.null and (app, migration.name) not in REVIEWED:
                found.append(f"{op.name}: a NOT NULL column on the big table {model} (make it null=True and backfill "
                             "in batches, or list the migration in REVIEWED with why it is safe)")
        elif isinstance(op, migrations.AddConstraint) and (app, model) in BIG_TABLES \
                and (app, migration.name) not in REVIEWED:
            found.append(f"{op.constraint.name}: a constraint validated under lock on the big table {model}")
    return found


def test_migrations_after_the_baseline_take_no_long_locks():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    report = {}
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app in OURS and name not in BASELINE.get(app, set()):
            if found := problems(app, migration):
                report[f"{app}.{name}"] = found
    assert report == {}


def test_the_baseline_names_migrations_that_exist():
    on_disk = {(app, name) for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    assert {(app, name) for app, names in BASELINE.items() for name in names} <= on_disk


def _migration(*operations, atomic: bool = True) -> migrations.Migration:
    migration = migrations.Migration("0099_example", "incidents")
    migration.operations = list(operations)
    migration.atomic = atomic
    return migration


def test_the_rules_catch_what_they_are_for():
    index = models.Index(fields=["status"], name="example_status")
    assert problems("incidents", _migration(migrations.AddIndex("incident", index))) == [
        INDEXED_FIELD.format(model="incident")]
    assert problems("incidents", _migration(AddIndexConcurrently("incident", index))) == [
        "AddIndexConcurrently needs `atomic = False` on the migration"]
    assert problems("incidents", _migration(AddIndexConcurrently("incident", index), atomic=False)) == []
    # A new table's indexes and columns are harmless: it is empty.
    new = migrations.CreateModel("example", [("id", models.BigAutoField(primary_key=True))])
    assert problems("incidents", _migration(new, migrations.AddIndex("example", index))) == []
    not_null = migrations.AddField("incident", "weight", models.IntegerField(default=0))
    assert len(problems("incidents", _migration(not_null))) == 1
    assert problems("incidents", _migration(migrations.AddField("incident", "weight", models.IntegerField(null=True)))) == []
    assert problems("grids", _migration(migrations.AddField("zone", "weight", models.IntegerField(default=0)))) == []
    indexed = migrations.AddField("zone", "rank", models.IntegerField(null=True, db_index=True))
    assert problems("grids", _migration(indexed)) == ["rank: " + INDEXED_FIELD.format(model="zone")]
    check = migrations.AddConstraint("incidentevent", models.CheckConstraint(condition=models.Q(id__gt=0), name="c"))
    assert problems("incidents", _migration(check)) == ["c: a constraint validated under lock on the big table incidentevent"]
