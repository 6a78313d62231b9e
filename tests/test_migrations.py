import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    """A model change without its migration would pass locally and break every deployment."""
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit_:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"models changed without a migration (exit {exit_.code}): run manage.py makemigrations")


@pytest.mark.django_db
def test_the_sweeps_update_can_be_heap_only(postgres):
    """The sweep changes only `escalation` and `updated_at`: no index of the case table may read
    either (as a key or in a predicate), and pages keep room for the new row versions, so that
    PostgreSQL updates the rows without writing index entries (migration incidents 0008)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents_incident'")
        indexes = cursor.fetchall()
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'incidents_incident'")
        (options,) = cursor.fetchone()
    assert len(indexes) > 10
    assert [name for name, definition in indexes if "escalation" in definition or "updated_at" in definition] == []
    assert "fillfactor=85" in (options or [])
