"""Gapless yearly numbers (a case code's XH2026000123) from a SequenceBase counter table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:
    from casework.models import SequenceBase


def next_number(model: type[SequenceBase], *, prefix: str, year: int) -> int:
    """The next number for `prefix` and `year` in `model`'s counters: 1, 2, 3, …

    One upsert takes the number and locks the year's counter row until commit, so numbers are
    gapless and in order; every caller numbering the same prefix and year waits on that row, so
    callers take the number as late as possible (docs/performance.md, intake).
    """
    opts = model._meta
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    prefix_col, year_col, last_col = (quote(opts.get_field(name).column) for name in ("prefix", "year", "last"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({prefix_col}, {year_col}, {last_col}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({prefix_col}, {year_col}) DO UPDATE SET {last_col} = {table}.{last_col} + 1 RETURNING {last_col}",
            [prefix, year],
        )
        return cursor.fetchone()[0]
