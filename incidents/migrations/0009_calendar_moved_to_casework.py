"""The work calendar's models leave incidents for casework (casework 0001), keeping their tables.

State only: no table is dropped or renamed, no row moves. The models' content types follow them,
so the admin permissions granted on calendar rows stay granted (on a new database there are no
content types yet, and this changes nothing).
"""

from django.db import migrations

MODELS = ("calendarday", "calendaryear", "workingperiod")


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _relabel(apps, "incidents", "casework")


def backwards(apps, schema_editor):
    _relabel(apps, "casework", "incidents")


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0008_sweep_hot_updates"),
        ("casework", "0001_calendar"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="CalendarDay"),
                migrations.DeleteModel(name="CalendarYear"),
                migrations.DeleteModel(name="WorkingPeriod"),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
