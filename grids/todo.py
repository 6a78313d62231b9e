"""The registry of to-do sources: what each role's home lists as waiting for them.

A `TodoSource` is one line of someone's home: a title, who it is for, a count and the link to the
list of exactly the rows it counts (the dashboard's drill-down idiom, governance.dashboard). The
count is `condition(user, now)` over `model.objects.visible_to(user)`; the link is `url_name` with
the query string `params(user, now)`, which the list's FilterSet turns into the same condition.
Tests hold every source to that promise (tests/governance/test_home_sources.py).

Each app declares its sources in its own `todo.py` as `SOURCES = [...]`, and settings name the
modules (`HOME_SOURCE_MODULES`): a feature adds items to the homes by adding a module there, never by
editing a template. Lives in grids, the lowest app every page may import, so that incidents and
inspections can declare sources without importing governance (docs/architecture.md, the arrows).

The home (governance.home) counts all sources of one model with ONE aggregate query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Model, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grids.choices import Role
from grids.models import GridCell

# How a count reads on the home: a warning (something is late or about to be) or plain work.
BAD, WARN, PLAIN = "bad", "warn", ""


@dataclass(frozen=True)
class TodoSource:
    key: str
    title: Promise
    roles: frozenset[str]
    model: type[Model]
    condition: Callable[[object, dt.datetime], Q]
    url_name: str
    params: Callable[[object, dt.datetime], dict] = lambda user, now: {}
    # Finer than the role (the safety office among department handlers); None: every user of `roles`.
    applies: Callable[[object], bool] | None = None
    tone: str = PLAIN
    # Hidden while nothing waits (an occasional item, e.g. an inspection left unsubmitted).
    hide_when_zero: bool = False
    # One more line under the count (e.g. the meeting that will take the disputed cases); may query.
    note: Callable[[object, dt.datetime], str | None] | None = None
    order: int = 100

    def is_for(self, user) -> bool:
        if user.role not in self.roles:
            return False
        return self.applies is None or bool(self.applies(user))

    def url(self, user, now: dt.datetime) -> str:
        query = urlencode(self.params(user, now), doseq=True)
        return reverse(self.url_name) + (f"?{query}" if query else "")


@cache
def all_sources() -> tuple[TodoSource, ...]:
    """Every registered source, in home order (imported once per process)."""
    found: list[TodoSource] = []
    for path in settings.HOME_SOURCE_MODULES:
        found.extend(import_module(path).SOURCES)
    keys = [source.key for source in found]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise RuntimeError(f"to-do source keys registered twice: {', '.join(duplicates)}")
    return tuple(sorted(found, key=lambda source: source.order))


def sources_for(user) -> list[TodoSource]:
    return [source for source in all_sources() if source.is_for(user)]


# --- the organisation's own source ------------------------------------------------------------------

SOURCES = [
    # A grid worker sees exactly the cells assigned to them (GridCell.visible_to): the cell list.
    TodoSource(
        "worker_cells", _("My grid cells to patrol today"), frozenset({Role.GRID_WORKER}), GridCell,
        condition=lambda user, now: Q(), url_name="grids:cell-list", order=30,
    ),
]
