"""Writing generated rows: PostgreSQL COPY (the fast path) or SQLite executemany (small sizes).

PostgreSQL load, all in ONE transaction so that an interrupted load leaves the database as it
was: TRUNCATE the four case tables (which lets COPY write the rows already frozen, so no vacuum
is needed to set hint bits), remember and drop their secondary indexes, foreign keys and unique
constraints, COPY every chunk, then recreate each index and constraint from its own saved
definition (`pg_get_indexdef` / `pg_get_constraintdef`, names unchanged). Building an index once
over sorted data is several times faster than maintaining ten of them row by row, and a foreign
key added to a filled table is validated by one join instead of a trigger per row. After COMMIT
the schema is exactly what the migrations made — `schema_fingerprint()` is compared before and
after to prove it.
"""

from __future__ import annotations

import io
import time

from django.db import connection

from bench.rows import COLUMNS

CASE_TABLES_EXTRA = ("incidents_incidentphoto", "incidents_casesequence")


def _table(model) -> str:
    return model._meta.db_table


def schema_fingerprint(models) -> list[tuple]:
    """Every index and constraint definition of the tables (compared before and after a load)."""
    tables = [_table(m) for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class c ON c.oid = x.indrelid WHERE c.relname = ANY(%s) "
            "UNION ALL SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid WHERE c.relname = ANY(%s) ORDER BY 1, 2",
            [tables, tables],
        )
        return sorted(cursor.fetchall())


class PostgresLoader:
    def __init__(self, models, stdout, *, columns=COLUMNS, extra=CASE_TABLES_EXTRA) -> None:
        self.models = list(models)
        self.stdout = stdout
        self.columns, self.extra = columns, tuple(extra)
        self.saved_indexes: list[tuple[str, str]] = []  # (name, CREATE INDEX …)
        self.saved_constraints: list[tuple[str, str, str, str]] = []  # (table, name, type, definition)
        self.copy_seconds = 0.0

    def prepare(self) -> None:
        """Inside the load's transaction: empty the tables and take their indexes off."""
        tables = [_table(m) for m in self.models]
        with connection.cursor() as cursor:
            # Check foreign keys still pending in this transaction now (a caller's earlier inserts, e.g.
            # in a test): a table with pending trigger events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(f"TRUNCATE {', '.join(tables + list(self.extra))} RESTART IDENTITY CASCADE")
            for table in tables:
                cursor.execute(
                    "SELECT k.conname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k "
                    "WHERE k.conrelid = %s::regclass AND k.contype IN ('f', 'u') ORDER BY k.contype DESC, k.conname",
                    [table],
                )
                for name, kind, definition in cursor.fetchall():
                    self.saved_constraints.append((table, name, kind, definition))
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
                    "ORDER BY i.relname",
                    [table],
                )
                self.saved_indexes.extend(cursor.fetchall())
            for table, name, _kind, _definition in self.saved_constraints:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _definition in self.saved_indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def copy(self, model, text: str) -> None:
        """COPY one chunk: rows already in COPY text format, one per line."""
        if not text:
            return
        started = time.monotonic()
        columns = ", ".join(f'"{c}"' for c in self.columns[model])
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f'COPY "{_table(model)}" ({columns}) FROM STDIN WITH (FREEZE)', io.StringIO(text), size=1 << 20)
        self.copy_seconds += time.monotonic() - started

    def finish(self) -> dict[str, float]:
        """Put every index and constraint back (same names, same definitions); reset the id sequences."""
        timings: dict[str, float] = {}
        with connection.cursor() as cursor:
            started = time.monotonic()
            for _name, definition in self.saved_indexes:
                cursor.execute(definition)
            timings["indexes"] = time.monotonic() - started
            started = time.monotonic()
            for table, name, _kind, definition in sorted(self.saved_constraints, key=lambda c: c[2] != "u"):
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            timings["constraints"] = time.monotonic() - started
            for model in self.models:
                table = _table(model)
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)",
                    [table],
                )
        return timings


class SqliteLoader:
    """Small sizes only (the generator refuses SQLite above 50k cases): plain INSERTs."""

    def __init__(self, models, stdout) -> None:
        self.models = list(models)
        self.stdout = stdout
        self.copy_seconds = 0.0

    def prepare(self) -> None:
        with connection.cursor() as cursor:
            for table in ("incidents_incidentphoto", *reversed([_table(m) for m in self.models]),
                          "incidents_casesequence"):
                if table in connection.introspection.table_names(cursor):
                    cursor.execute(f'DELETE FROM "{table}"')

    def copy(self, model, rows: list[tuple]) -> None:
        if not rows:
            return
        started = time.monotonic()
        columns = COLUMNS[model]
        sql = f'INSERT INTO "{_table(model)}" ({", ".join(columns)}) VALUES ({", ".join("%s" for _ in columns)})'
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        self.copy_seconds += time.monotonic() - started

    def finish(self) -> dict[str, float]:
        return {}
