"""Reads for dashboards and exports from a read replica, when DATABASE_REPLICA_URL names one.

The heavy reads (dashboard figures, Excel exports) are the ones a replica can take off the
primary; everything else keeps reading the primary, so that nobody misses their own write through
replication lag. Which views read from the replica is one list in the settings
(REPLICA_READ_VIEWS, URL names); `ReplicaReadsMiddleware` runs those views inside
`replica_reads()`, and `ReplicaRouter` sends their reads to the "replica" alias. Without the setting
the alias does not exist and everything goes to "default".

Sessions, tokens and login throttling are always read from the primary: a token issued a moment
ago must authenticate even if the replica has not received it yet.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY_ONLY_APPS = {"sessions", "authtoken", "axes", "contenttypes", "auth", "admin"}
# Models of our own apps that authenticate: the device tokens (an API view of REPLICA_READ_VIEWS
# authenticates its token inside the view, so inside replica_reads()).
PRIMARY_ONLY_MODELS = {"governance.ApiToken"}

_reading = contextvars.ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if (_reading.get() and model._meta.app_label not in PRIMARY_ONLY_APPS
                and model._meta.label not in PRIMARY_ONLY_MODELS and replica_configured()):
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str | None:
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Rows read from the replica are the primary's rows: relations between the two are fine.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return db != REPLICA  # the replica follows the primary; migrate never runs against it


class ReplicaReadsMiddleware:
    """Runs the views named in REPLICA_READ_VIEWS with their reads on the replica. Last in the
    middleware list: the view is called here, so the ones after it would see no process_view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in settings.REPLICA_READ_VIEWS or not replica_configured():
            return None
        # Who is asking is read from the primary, before the replica takes over.
        getattr(getattr(request, "user", None), "is_authenticated", None)
        with replica_reads():
            return view_func(request, *view_args, **view_kwargs)
