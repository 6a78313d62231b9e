"""Data retention (PIPL art. 19, 47): personal details in cases closed longer ago than
settings.PERSONAL_DATA_RETENTION_DAYS are removed; the case itself (code, category, place in the
grid, dates, outcome) stays for the statistics and the record.

What counts as a reporter's personal details on a case today is what people type into it: phone
numbers and ID-card numbers in the description, the address and the handling result (a resident's
number noted by the worker who took the call). A field that holds a reporter's details outright (a
caller's name and phone on an Open311 report) is one more entry in RETENTION_FIELDS, to be blanked.
Timeline notes are append-only and are not rewritten (docs/security.md, "left").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.redaction import PERSONAL_NUMBER, REMOVED, redact  # noqa: F401  (re-exported)
from incidents.models import Incident, Open311Request

# A portable pre-filter for the database (PostgreSQL POSIX regex and SQLite alike): seven digits.
MAY_HOLD_NUMBER = r"[0-9]{7}"
# The case's text fields that may hold a reporter's numbers.
RETENTION_FIELDS = ("description", "address", "result")
BATCH = 500


def expired_cases(now: datetime | None = None):
    """Cases closed (or rejected, voided: every final case has closed_at) before the retention cut-off
    whose text may still hold a number. The system reads: no user scope."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    may_hold = Q()
    for field in RETENTION_FIELDS:
        may_hold |= Q(**{f"{field}__regex": MAY_HOLD_NUMBER})
    return Incident.objects.filter(closed_at__lt=cutoff).filter(may_hold)


def remove_expired_personal_data(*, now: datetime | None = None) -> int:
    """Remove the personal numbers from expired cases; returns how many cases changed. Idempotent:
    a second run finds nothing left to change."""
    changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            rows = list(
                expired_cases(now).filter(pk__gt=last_pk).order_by("pk").select_for_update(skip_locked=True)
                .only("pk", *RETENTION_FIELDS)[:BATCH]
            )
            if not rows:
                return changed + blank_open311_contacts(now=now)
            last_pk = rows[-1].pk
            dirty = []
            for case in rows:
                before = [getattr(case, f) for f in RETENTION_FIELDS]
                for field in RETENTION_FIELDS:
                    setattr(case, field, redact(getattr(case, field)))
                if [getattr(case, f) for f in RETENTION_FIELDS] != before:
                    dirty.append(case)
            Incident.objects.bulk_update(dirty, RETENTION_FIELDS)
            changed += len(dirty)


# An Open311 reporter's contact, kept beside the case for the zone's call-back.
OPEN311_CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "device_id", "account_id")


def blank_open311_contacts(*, now: datetime | None = None) -> int:
    """Blank the reporter's contact on Open311 reports of cases closed before the cut-off; how many
    reports changed (a second run: none)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    holds = Q()
    for field in OPEN311_CONTACT_FIELDS:
        holds |= ~Q(**{field: ""})
    expired = Open311Request.objects.filter(incident__closed_at__lt=cutoff).filter(holds)
    return expired.update(**{field: "" for field in OPEN311_CONTACT_FIELDS})
