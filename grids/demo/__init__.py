"""The demo sub-district (辛河街道): deterministic, idempotent data shaped like the report.

`seed_organisation()` loads the organisation; `python manage.py seed_demo` runs it together with
the demo steps of later apps. Names of people and places are fictional.
"""

from grids.demo.organisation import DEMO_LOGINS, seed_organisation

__all__ = ["DEMO_LOGINS", "seed_organisation"]
