"""Let the hazard ladder's UPDATE be a HOT update (docs/performance.md, "Hazard sweep").

PostgreSQL updates a row without writing an entry into each of its indexes ("heap-only tuple")
when no indexed column changes and the new row version fits on the same page. The ladder's rungs
change only unindexed columns (`escalation`, `updated_at`, `missed_deadlines`, the rung flags), but
the hazard table has 25 indexes and was packed full, so every card wrote 25 index entries. It now
keeps 30 % of each page free for updated rows (the case table keeps 15 %: a hazard is updated more
often for its size: each rung of the ladder and each step of its rectification loop). Pages
written before this migration keep their old filling until they are rewritten (VACUUM FULL or
pg_repack in a quiet hour).
"""

from django.db import migrations


def set_fillfactor(apps, schema_editor, value: int = 50):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "inspections_hazard" SET (fillfactor = {int(value)})')


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "inspections_hazard" RESET (fillfactor)')


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0010_merge_20261202_1650'),
    ]

    operations = [
        migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False),
    ]
