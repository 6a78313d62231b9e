import pytest

# What the hazard ladder's rungs write (casework.ladder adds updated_at and escalation).
LADDER_COLUMNS = ("escalation", "updated_at", "missed_deadlines", "supervised_at", "auto_refused_at", "refusals",
                  "recheck_overdue_at", "referral_overdue_at")


@pytest.mark.django_db
def test_the_hazard_sweeps_update_can_be_heap_only(postgres):
    """No index of the hazard table reads a column the ladder writes (as a key or in a predicate),
    and pages keep room for the new row versions, so PostgreSQL updates the rows without writing
    index entries (migration inspections 0011, docs/performance.md "Hazard sweep")."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'inspections_hazard'")
        indexes = cursor.fetchall()
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'inspections_hazard'")
        (options,) = cursor.fetchone()
    assert len(indexes) > 10
    assert [name for name, definition in indexes if any(column in definition for column in LADDER_COLUMNS)] == []
    assert "fillfactor=50" in (options or [])
