"""Let the escalation sweep's UPDATE be a HOT update (docs/performance.md, "Escalation sweep").

PostgreSQL can update a row without touching any index ("heap-only tuple") when no indexed column
changes — including columns in a partial index's predicate — and the new row version fits on the
same page. The sweep changes only `escalation` (and the unindexed `updated_at`), but
`incident_warn_running` had `escalation = 0` in its predicate, so every escalation wrote a new
entry into each of the table's indexes. The index now covers every running clock (the sweep's
query still tests `escalation`), and the case table keeps 15 % of each page free for updated rows.
"""

from django.conf import settings
from django.db import migrations, models


def set_fillfactor(apps, schema_editor, value: int = 85):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "incidents_incident" SET (fillfactor = {int(value)})')


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "incidents_incident" RESET (fillfactor)')


class Migration(migrations.Migration):

    dependencies = [
        ('grids', '0004_field_labels'),
        ('incidents', '0007_field_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='incident',
            name='incident_warn_running',
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('due_at__isnull', False)), fields=['warn_at'], name='incident_warn_running'),
        ),
        migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False),
    ]
