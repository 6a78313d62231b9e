"""The hazard measures of a period read from indexes alone on PostgreSQL (docs/performance.md,
"Round 6"): the GiST index on each live hazard's life now carries the columns the period's
conditions read (`hazard_alive_covering` replaces `hazard_alive`), and the first-deadline index
those of the deadline measures (`hazard_deadlines` replaces `hazard_first_due`). Each new index is
built before the old one is dropped, both concurrently, so the measures never go without one."""

from django.db import migrations, models

from casework.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently

COVERING = (
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS "hazard_alive_covering" ON "inspections_hazard" USING gist '
    "(TSTZRANGE(LEAST(\"recorded_at\", \"closed_at\"), \"closed_at\", '[]')) "
    'INCLUDE ("zone_id", "community_id", "status", "level", "recorded_at", "closed_at", "confirmed_at", "supervised_at", '
    '"notice_id", "closed_on_time", "first_due_at", "enterprise_id", "item_id", "id") '
    "WHERE \"confirmed_at\" IS NOT NULL AND NOT (\"status\" = 'void')"
)
PLAIN = (
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS "hazard_alive" ON "inspections_hazard" USING gist '
    "(TSTZRANGE(LEAST(\"recorded_at\", \"closed_at\"), \"closed_at\", '[]')) "
    "WHERE \"confirmed_at\" IS NOT NULL AND NOT (\"status\" = 'void')"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # an interrupted earlier run may have left an INVALID copy, which IF NOT EXISTS would keep
        schema_editor.execute('DROP INDEX CONCURRENTLY IF EXISTS "hazard_alive_covering"')
        schema_editor.execute(COVERING)
        schema_editor.execute('DROP INDEX CONCURRENTLY IF EXISTS "hazard_alive"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX CONCURRENTLY IF EXISTS "hazard_alive"')
        schema_editor.execute(PLAIN)
        schema_editor.execute('DROP INDEX CONCURRENTLY IF EXISTS "hazard_alive_covering"')


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY: no write lock on the hazard table

    dependencies = [
        ('inspections', '0013_photos_processed'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
        AddIndexConcurrently(
            model_name='hazard',
            index=models.Index(condition=models.Q(('confirmed_at__isnull', False), ('first_due_at__isnull', False)), fields=['first_due_at'], include=('status', 'closed_on_time', 'zone', 'community', 'confirmed_at', 'id'), name='hazard_deadlines'),
        ),
        RemoveIndexConcurrently(model_name='hazard', name='hazard_first_due'),
    ]
