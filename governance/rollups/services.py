"""Keeping the rollups equal to a recount: `refresh` after a change, `rebuild` from scratch.

`refresh(source, ids)` runs inside the transaction that changed the objects (the timeline append
calls it, `hooks`), so the counts commit or roll back with the change itself. For each object it
locks the object's `Contribution` row, derives the object's signature afresh, and applies
`entries(new) − entries(old)` to `DailyCount` with one `INSERT … ON CONFLICT DO UPDATE SET n = n +
excluded.n` — no read-modify-write of a count, so concurrent writers of the same day never lose an
increment; the upsert's row lock serialises them only for that row.

*Why the contribution row is locked*: two transactions that change the same case (a comment
while the case is dispatched) would otherwise both subtract the same old signature. One
`INSERT … ON CONFLICT DO UPDATE … RETURNING` creates a missing row or locks the existing one and
reads its stored signature (a concurrent insert of the same row waits, so a new object is
serialised too). The object's own signature is read after the lock, and in READ COMMITTED that
read sees what the transaction before us committed.

*Why keys are applied in sorted order*: two transactions upserting overlapping sets of count rows
lock them in the same order, so they queue instead of deadlocking.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction

from governance.rollups.models import Contribution, DailyCount
from governance.rollups.registry import SOURCES, Key, Source, source_of_events

UPSERT_ROWS = 500
REBUILD_CHUNK = 5000


def _delta(source: Source, old: dict | None, new: dict | None) -> Counter:
    delta: Counter = Counter()
    if old:
        delta.subtract(source.entries(old))
    if new:
        delta.update(source.entries(new))
    return delta


def apply_delta(source_name: str, delta: Counter) -> int:
    """Add `delta` ({key: change}) to the daily counts; returns how many rows were touched."""
    rows = sorted((key, change) for key, change in delta.items() if change)
    if not rows:
        return 0
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    columns = "source, grain, measure, day, since, zone_id, community_id, subject_id, n"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start:start + UPSERT_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params: list = []
            for (grain, measure, day, since, zone, community, subject), change in chunk:
                params += [source_name, grain, measure, day, since, zone, community, subject, change]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "
                "ON CONFLICT (source, grain, day, zone_id, community_id, subject_id, measure, since) "
                f"DO UPDATE SET n = {table}.n + excluded.n",
                params,
            )
    return len(rows)


def _claim(source_name: str, ids: list[int]) -> dict[int, dict | None]:
    """Lock the objects' contribution rows, creating the missing ones, and read their stored
    signatures: one statement. ON CONFLICT DO UPDATE locks a row that exists (waiting for a
    writer that holds it, then seeing what it committed, as SELECT … FOR UPDATE would) and
    RETURNING gives its signature; a new row comes back with none."""
    table = connection.ops.quote_name(Contribution._meta.db_table)
    rows: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), UPSERT_ROWS):  # ascending ids, chunk after chunk: one lock order
            chunk = ids[start:start + UPSERT_ROWS]
            params: list = []
            for pk in chunk:
                params += [source_name, pk]
            cursor.execute(
                f"INSERT INTO {table} (source, object_id) VALUES {', '.join(['(%s, %s)'] * len(chunk))} "
                f"ON CONFLICT (source, object_id) DO UPDATE SET signature = {table}.signature "
                "RETURNING object_id, signature",
                params,
            )
            rows += cursor.fetchall()
    return {pk: json.loads(signature) if isinstance(signature, str) else signature for pk, signature in rows}


def _store(source_name: str, signatures: dict[int, dict | None]) -> None:
    """Write the objects' new signatures into their (locked) contribution rows."""
    table = connection.ops.quote_name(Contribution._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET signature = %s WHERE source = %s AND object_id = %s",
            [(None if sig is None else json.dumps(sig), source_name, pk) for pk, sig in signatures.items()],
        )


def refresh(source: Source | str, ids: Iterable[int]) -> int:
    """Bring the counts of these objects up to date with the database; returns how many changed.

    Inside the caller's transaction (no savepoint of its own: a failure here fails the change),
    in four statements for a case: claim the contribution rows, read the signatures (the
    source's queries), upsert the counts, store the signatures."""
    source = SOURCES[source] if isinstance(source, str) else source
    ids = sorted({int(pk) for pk in ids})
    if not ids:
        return 0
    with transaction.atomic(savepoint=False):
        stored = _claim(source.name, ids)
        fresh = source.signatures(ids)
        delta: Counter = Counter()
        changed: dict[int, dict | None] = {}
        for pk in ids:
            old, new = stored.get(pk), fresh.get(pk)
            if old == new:
                continue
            delta.update(_delta(source, old, new))
            changed[pk] = new
        if changed:
            apply_delta(source.name, delta)
            _store(source.name, changed)
    return len(changed)


def rebuild(source: Source | str | None = None, *, chunk: int = REBUILD_CHUNK, sql: bool = True) -> dict[str, int]:
    """Recount a source (or all) from scratch: {source: objects counted}. Takes the rollup tables'
    write lock on PostgreSQL, so changes made meanwhile wait and are then applied on top. On
    PostgreSQL a source with `rebuild_sql` is recounted set-wise in SQL (`sql=False`: object by
    object through `signatures` + `entries`, as everywhere else — the tests compare the two)."""
    names = [source.name if isinstance(source, Source) else source] if source else list(SOURCES)
    done: dict[str, int] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Contribution, DailyCount))
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        for name in names:
            src = SOURCES[name]
            DailyCount.objects.filter(source=name).delete()
            Contribution.objects.filter(source=name).delete()
            if sql and src.rebuild_sql is not None and connection.vendor == "postgresql":
                done[name] = src.rebuild_sql()
                continue
            ids = list(src.all_ids())
            for start in range(0, len(ids), chunk):
                part = ids[start:start + chunk]
                signatures = src.signatures(part)
                delta: Counter = Counter()
                for signature in signatures.values():
                    delta.update(src.entries(signature))
                apply_delta(name, delta)
                Contribution.objects.bulk_create(
                    [Contribution(source=name, object_id=pk, signature=signatures.get(pk)) for pk in part],
                    batch_size=2000,
                )
            DailyCount.objects.filter(source=name, n=0).delete()
            done[name] = len(ids)
    return done


def events_appended(label: str, events: list) -> None:
    """The timeline hook (casework.models.timeline.APPEND_HOOKS): refresh the events' objects."""
    source = source_of_events(label)
    if source is None:
        return
    ids = {getattr(event, source.owner) for event in events if event.kind not in source.quiet_kinds}
    if ids:
        refresh(source, ids)


__all__ = ["Key", "apply_delta", "events_appended", "rebuild", "refresh"]


def recount(source: Source | str) -> Counter:
    """The counts a source's objects add now, recomputed from the database (nothing written)."""
    src = SOURCES[source] if isinstance(source, str) else source
    expected: Counter = Counter()
    ids = list(src.all_ids())
    for start in range(0, len(ids), REBUILD_CHUNK):
        for signature in src.signatures(ids[start:start + REBUILD_CHUNK]).values():
            expected.update(src.entries(signature))
    return expected


def stored(source: Source | str) -> Counter:
    name = source.name if isinstance(source, Source) else source
    rows = DailyCount.objects.filter(source=name).exclude(n=0).values_list(
        "grain", "measure", "day", "since", "zone_id", "community_id", "subject_id", "n",
    )
    return Counter({tuple(row[:7]): row[7] for row in rows.iterator(chunk_size=20000)})


def differences(source: Source | str) -> dict[Key, tuple[int, int]]:
    """{key: (stored, recounted)} wherever the rollups differ from a recount from scratch."""
    have, want = stored(source), recount(source)
    return {key: (have.get(key, 0), want.get(key, 0)) for key in set(have) | set(want) if have.get(key, 0) != want.get(key, 0)}


def backfill_after_migrate(**kwargs) -> None:
    """post_migrate: a database migrated with cases but without rollups (an upgrade) gets them
    counted now, with the schema of the code that runs (a data migration would see an older one)."""
    from incidents.models import Incident

    if not Contribution.objects.exists() and Incident.objects.exists():
        rebuild()
