"""The escalation ladder: due soon → yellow card (overdue) → red card (still overdue), as data.

A `Ladder` names the clocked model (a `ClockedBase` subclass), its timeline model, its rungs
(condition → level → event → recipients) and how to notify. `sweep` applies each rung set-wise:
each batch is one statement, UPDATE … WHERE pk = ANY(ARRAY(SELECT … FOR UPDATE SKIP LOCKED LIMIT n))
RETURNING …: the indexed select of what crossed the rung's threshold locks those rows with SKIP
LOCKED (a concurrent sweep passes over them and, once this one commits, no longer matches), the
same statement raises their level and hands back the columns the events and notifications need,
which are then appended in bulk (the timeline's bulk_create, so its APPEND_HOOKS see every
event). The conditions compare stored due times with `now`, so a sweep that runs twice does nothing
the second time and one that was down for a day catches up: an object overdue long enough goes to yellow
and then red in the same run. Run by Celery beat; never an ETA task.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connections, models, transaction
from django.db.models import BooleanField, F, Func, Q, Subquery
from django.db.models.sql import UpdateQuery

from casework.choices import Escalation

BATCH = 2000


@dataclass(frozen=True)
class Rung:
    name: str  # the key of the sweep's result
    level: int | None  # the escalation level an object on this rung gets (None: a flag rung leaves it)
    event: str  # the timeline event kind written for it
    title: str  # the notification's title, with %(code)s
    condition: Callable[[datetime], Q]  # which running objects are due for this rung at `now`
    # Other columns the same UPDATE sets: a counter (F("missed") + 1) or the flag that takes the
    # object off this rung's condition (a rung without a level must set one, or it fires forever).
    updates: Callable[[datetime], dict[str, Any]] | None = None
    # Rows the rung creates beside its events, in the same transaction: (rows, now) → None.
    after: Callable[[list, datetime], None] | None = None
    data: dict = field(default_factory=dict)  # extra keys of each event's data


def standard_rungs(*, events: Mapping[int, str], titles: Mapping[int, str], red_after: timedelta) -> tuple[Rung, ...]:
    """The three rungs every clocked workflow uses, on the ClockedBase fields."""
    return (
        Rung("warning", Escalation.WARNING, events[Escalation.WARNING], titles[Escalation.WARNING],
             lambda now: Q(escalation=Escalation.NONE, warn_at__lte=now, due_at__gt=now)),
        Rung("yellow", Escalation.YELLOW, events[Escalation.YELLOW], titles[Escalation.YELLOW],
             lambda now: Q(escalation__lt=Escalation.YELLOW, due_at__lte=now)),
        Rung("red", Escalation.RED, events[Escalation.RED], titles[Escalation.RED],
             lambda now: Q(escalation=Escalation.YELLOW, due_at__lte=now - red_after)),
    )


@dataclass(frozen=True)
class Ladder:
    model: type[models.Model]
    event_model: type[models.Model]
    event_owner: str  # the event's foreign-key attribute, e.g. "incident_id"
    columns: tuple[str, ...]  # what recipients() reads of each row besides pk, code, due_at, stage
    # (rung, rows) → {object pk: user ids}; rows are named tuples of pk, code, due_at, stage, *columns,
    # as the rung's UPDATE left them (a counter it raised is read raised)
    recipients: Callable[[Rung, list], Mapping[int, Iterable[int]]]
    note: Callable[..., object]  # builds one notification: (recipient=, kind=, title=, url=, key=)
    notify: Callable[[Iterable[object]], object]  # stores many notifications at once
    url_of: Callable[[], Callable[[int], str]]  # → a function from pk to the object's page
    code_field: str = "code"
    batch: int = BATCH
    key_prefix: str = ""  # keeps two ladders' notification keys apart (a case and a hazard with the same pk)
    # The due-time column the rungs climb against (a second clock of the same object, e.g. a
    # recheck's or a referral's, is a second Ladder with its own column).
    due_field: str = "due_at"


class _AmongArray(Func):
    # pk = ANY(ARRAY(subquery)): PostgreSQL fetches the picked rows by primary key, where
    # pk IN (subquery) is planned as a hash semi-join over a sequential scan of the whole table
    arg_joiner = " = ANY(ARRAY("
    template = "%(expressions)s))"
    output_field = BooleanField()


def _pk_among(picked: models.QuerySet) -> Q | Func:
    if connections[picked.db].vendor == "postgresql":
        return _AmongArray(F("pk"), Subquery(picked))
    return Q(pk__in=picked)


def update_returning(queryset: models.QuerySet, changes: Mapping[str, Any], names: Sequence[str]) -> list:
    """queryset.update(**changes), returning the named columns (their values after the update) of
    every row it changed, as named tuples, in one statement (PostgreSQL; SQLite 3.35+)."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(changes)
    compiler = query.get_compiler(queryset.db)
    statement, params = compiler.as_sql()
    connection = connections[queryset.db]
    meta, quote = queryset.model._meta, connection.ops.quote_name
    fields = [meta.pk if name == "pk" else meta.get_field(name) for name in names]
    columns = [field.get_col(meta.db_table) for field in fields]
    converters = [(i, [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)], col)
                  for i, (field, col) in enumerate(zip(fields, columns, strict=True))]
    converters = [(i, funcs, col) for i, funcs, col in converters if funcs]
    returning = ", ".join(f"{quote(meta.db_table)}.{quote(field.column)}" for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"{statement} RETURNING {returning}", params)
        raw = cursor.fetchall()
    row_type = namedtuple("Row", names, rename=True)
    if not converters:
        return [row_type._make(values) for values in raw]
    rows = []
    for values in raw:
        values = list(values)
        for i, funcs, col in converters:
            for func in funcs:
                values[i] = func(values[i], col, connection)
        rows.append(row_type._make(values))
    return rows


def _climb(ladder: Ladder, rung: Rung, now: datetime) -> int:
    total = 0
    url = ladder.url_of()
    title = str(rung.title)
    due = ladder.due_field
    names = ("pk", ladder.code_field, due, "stage", *ladder.columns)
    changes = {"updated_at": now, **(rung.updates(now) if rung.updates else {})}
    if rung.level is not None:
        changes["escalation"] = rung.level
    while True:
        with transaction.atomic():
            picked = (
                ladder.model.objects.filter(**{f"{due}__isnull": False})
                .filter(rung.condition(now))
                .select_for_update(skip_locked=True)
                .order_by(due)
                .values("pk")[: ladder.batch]
            )
            rows = update_returning(ladder.model.objects.filter(_pk_among(picked)), changes, names)
            if not rows:
                return total
            rows.sort(key=lambda row: row.pk)
            level = rung.level
            ladder.event_model.objects.bulk_create(
                [ladder.event_model(
                    # every field given: a missing one costs a get_default() per row
                    **{ladder.event_owner: row.pk}, kind=rung.event, created_at=now, actor_id=None, note="",
                    from_status="", to_status="",
                    data={"stage": row.stage, "due_at": getattr(row, due).isoformat(), "level": level, **rung.data},
                ) for row in rows],
                batch_size=ladder.batch,
            )
            if rung.after is not None:
                rung.after(rows, now)
            recipients = ladder.recipients(rung, rows)
            ladder.notify(
                ladder.note(
                    recipient=user_id, kind=rung.event, title=title % {"code": getattr(row, ladder.code_field)},
                    url=url(row.pk), key=f"{ladder.key_prefix}{rung.event}:{row.pk}:{getattr(row, due).isoformat()}",
                )
                for row in rows
                for user_id in set(recipients.get(row.pk, ()))
            )
            total += len(rows)
            if len(rows) < ladder.batch:
                return total


def sweep(ladder: Ladder, rungs: Sequence[Rung], *, now: datetime) -> dict[str, int]:
    """Raise every running object to the level its clock calls for; how many moved per rung."""
    return {rung.name: _climb(ladder, rung, now) for rung in rungs}
