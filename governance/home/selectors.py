"""Counting the to-do sources of one user: ONE aggregate query per model, whatever the rows.

Sources of the same model are counted together, each as `COUNT(*) FILTER (WHERE …)` over the
model's `visible_to(user)`, so a home costs as many queries as it has models (plus one per note),
not one per line and never one per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from grids.todo import TodoSource, sources_for


@dataclass(frozen=True)
class TodoItem:
    source: TodoSource
    count: int
    url: str
    note: str | None = None

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def title(self) -> str:
        return str(self.source.title)

    @property
    def tone(self) -> str:
        return self.source.tone if self.count else ""


def _count(source: TodoSource, user, now: dt.datetime) -> Count:
    condition = source.condition(user, now)
    # An empty Q counts every visible row: no FILTER clause to compile.
    return Count("pk", filter=condition) if condition != Q() else Count("pk")


def count_sources(user, sources: list[TodoSource], now: dt.datetime) -> dict[str, int]:
    by_model: dict[type, list[TodoSource]] = {}
    for source in sources:
        by_model.setdefault(source.model, []).append(source)
    counts: dict[str, int] = {}
    for model, group in by_model.items():
        rows = model.objects.visible_to(user).order_by()
        counts.update(rows.aggregate(**{source.key: _count(source, user, now) for source in group}))
    return counts


def todo_items(user, now: dt.datetime | None = None) -> list[TodoItem]:
    """The user's to-do lines in home order, each with its count and the link to exactly its rows."""
    now = now or timezone.now()
    sources = sources_for(user)
    counts = count_sources(user, sources, now)
    items = []
    for source in sources:
        count = counts.get(source.key) or 0
        if source.hide_when_zero and not count:
            continue
        note = source.note(user, now) if source.note is not None and count else None
        items.append(TodoItem(source, count, source.url(user, now), note))
    return items
