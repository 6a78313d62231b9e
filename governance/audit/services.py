"""Writing the audit trail: `record`, the one function every event goes through, and the
retention task's `purge_expired`.

`record` fills in what the caller leaves out from the request being served (the AuditMiddleware
keeps it in a context variable): so a signal receiver deep in a save (a user's role changed in the
admin, a token deleted) still records who did it and from where. Outside a request (a Celery task,
a management command) the actor is whoever the caller names, or nobody: the system.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from governance.audit.models import AuditEntry, Kind

# Cybersecurity Law art. 21: network logs kept no less than six months. The retention setting may
# not go below this (settings refuse it at start-up; purge_expired clamps it; PostgreSQL's trigger
# refuses to delete a younger row whatever the caller).
MINIMUM_RETENTION_DAYS = 180

current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)


def _client_ip(request: HttpRequest) -> str | None:
    raw = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def _target(target) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk or ""), str(target)[:200]
    label, _sep, pk = str(target).partition(":")
    return label[:60], pk[:40], ""


def record(kind: str, *, actor=None, request: HttpRequest | None = None, target=None, **detail) -> AuditEntry:
    """Append one entry to the audit trail and return it.

    kind: a `Kind` value. actor: the user who acted (default: the request's authenticated user).
    request: where from (default: the request being served, if any): IP address, method, path.
    target: what it was about: a model instance, or "app_label.model:pk". detail: any JSON-able
    keyword arguments (`username=` names the actor when there is no user, e.g. a failed login).
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown audit event kind {kind!r}")
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    username = str(detail.pop("username", "") or (actor.get_username() if actor is not None else ""))[:150]
    target_type, target_id, target_repr = _target(target)
    return AuditEntry.objects.create(
        at=timezone.now(),
        kind=kind,
        actor=actor,
        username=username,
        ip=_client_ip(request) if request is not None else None,
        method=(request.method or "")[:8] if request is not None else "",
        path=request.path[:300] if request is not None else "",
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        detail=detail,
    )


def retention_days() -> int:
    return max(int(settings.AUDIT_RETENTION_DAYS), MINIMUM_RETENTION_DAYS)


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete the entries older than the retention (never fewer than 180 days); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    return AuditEntry.objects.filter(at__lt=cutoff).expired_delete()
