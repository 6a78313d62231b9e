"""The demo's cases: categories with their time limits, and months of case history.

`python manage.py seed_demo` runs `seed_incident_categories` and then `seed_incident_history`
after the organisation (grids.demo); both are idempotent.
"""

from __future__ import annotations

from typing import TextIO

from incidents.demo import history
from incidents.demo.categories import seed_categories
from incidents.demo.history import seed_history


def seed_incident_categories(*, stdout: TextIO | None = None) -> dict[str, int]:
    return {"categories": seed_categories()}


def seed_incident_history(*, stdout: TextIO | None = None) -> dict[str, int]:
    return seed_history(cases=history.DEMO_CASES, stdout=stdout)


__all__ = ["seed_categories", "seed_history", "seed_incident_categories", "seed_incident_history"]
