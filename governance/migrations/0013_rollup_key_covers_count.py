"""The daily counts' unique key also carries the count (PostgreSQL: `UNIQUE (…) INCLUDE (n)`).

Every rollup read filters and groups on the key's columns and sums `n`; with `n` in the key's
index PostgreSQL answers from the index alone (an index-only scan) instead of visiting the rows
of a period scattered over the table: the street dashboard for any period at 1M cases went from
a median of 120–138 ms to 92–100 ms, p95 148–175 → 101–115 ms (docs/performance.md, "Round 5").
The price: a change of `n` is no longer a heap-only update, so the upsert also writes an entry
into the key's index.

Django's `UniqueConstraint(include=…)` is not created at all on a database without covering
indexes (SQLite, the embedded demo), so the model keeps the plain constraint and this migration
rebuilds it with the same name and columns plus `INCLUDE (n)` on PostgreSQL only; the upsert's
`ON CONFLICT (columns)` infers it as before.
"""

from django.db import migrations

KEY = "source, grain, day, zone_id, community_id, subject_id, measure, since"


def _swap_key(schema_editor, index: str, include: str) -> None:
    """Build the key's new index beside the old one without a write lock, then swap it in (a
    catalogue change)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "{index}" ON "governance_dailycount" ({KEY}) {include}')
    schema_editor.execute('ALTER TABLE "governance_dailycount" DROP CONSTRAINT "rollup_daily_key", '
                          f'ADD CONSTRAINT "rollup_daily_key" UNIQUE USING INDEX "{index}"')


def cover(apps, schema_editor):
    _swap_key(schema_editor, "rollup_daily_key_n", "INCLUDE (n)")


def uncover(apps, schema_editor):
    _swap_key(schema_editor, "rollup_daily_key_plain", "")


class Migration(migrations.Migration):

    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [
        ("governance", "0012_appeal_files"),
    ]

    operations = [
        migrations.RunPython(cover, uncover, elidable=False),
    ]
