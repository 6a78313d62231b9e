"""Formatting values as the database's text input (PostgreSQL COPY text format, or SQLite
parameters), fast: the generator formats a few tens of millions of values."""

from __future__ import annotations

import datetime as dt

from django.db import models

from grids.models import Notification
from incidents.models import Incident, IncidentEvent, StageDeadline

# Column order of the rows the generator writes. Checked against the models at start-up, so that
# a new NOT NULL column fails loudly instead of being left out of COPY.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Incident: (
        "id", "code", "category_id", "description", "address", "latitude", "longitude", "grid_cell_id", "community_id", "zone_id",
        "severity", "source", "reporter_id", "duplicate_of_id", "status", "resume_status", "department_id", "assignee_id", "result",
        "stage", "due_at", "warn_at", "paused_remaining", "escalation", "extension_pending", "return_count", "rework_count",
        "extension_count", "reported_at", "registered_at", "closed_at", "updated_at", "location_accuracy_m", "intake_token",
        "idempotency_key", "observed_at",
    ),
    IncidentEvent: ("id", "incident_id", "kind", "actor_id", "from_status", "to_status", "note", "data", "created_at"),
    StageDeadline: (
        "id", "incident_id", "stage", "limit_amount", "limit_kind", "started_at", "due_at", "finished_at", "on_time", "extended",
    ),
    Notification: ("id", "recipient_id", "kind", "title", "body", "url", "key", "created_at", "read_at"),
}
TABLES = list(COLUMNS)


def check_columns() -> None:
    """Every concrete column of the four tables is written (or the model changed under us)."""
    for model, columns in COLUMNS.items():
        actual = {f.column for f in model._meta.concrete_fields}
        missing, unknown = actual - set(columns), set(columns) - actual
        if missing or unknown:
            raise SystemExit(
                f"bench.generate is out of date with {model._meta.db_table}: not written {sorted(missing)}, unknown {sorted(unknown)}"
            )


class Format:
    """Text forms of NULL, booleans, timestamps and newlines for one database backend."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.copy = vendor == "postgresql"
        self.null = "\\N" if self.copy else None
        self.true, self.false = "1", "0"
        self.newline = "\\n" if self.copy else "\n"
        self._suffix = "+00" if self.copy else ""
        self._days: dict[int, str] = {}
        self._clock = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{self._suffix}" for s in range(86400)]

    def text(self, value: str) -> str:
        """Free text as COPY expects it (backslash, tab and newlines escaped)."""
        if not self.copy:
            return value
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    def _day(self, day: int) -> str:
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
        return text

    def ts(self, t: int | None) -> str | None:
        """Epoch seconds → '2026-11-26 08:30:00+00' (UTC); called ~40 times per case, so a lookup
        of the day and of the time of day."""
        if t is None:
            return self.null
        day, second = divmod(t, 86400)
        text = self._days.get(day)
        if text is None:
            text = self._day(day)
        return text + self._clock[second]

    def iso(self, t: int) -> str:
        """Epoch seconds → what `datetime.isoformat()` of a UTC value read from the database gives."""
        day, second = divmod(t, 86400)
        return f"{self._day(day)}T{self._clock[second][1:9]}+00:00"

    def num(self, value: int | None) -> str | None:
        return self.null if value is None else str(value)

    def flag(self, value: bool | None) -> str | None:
        if value is None:
            return self.null
        return self.true if value else self.false
