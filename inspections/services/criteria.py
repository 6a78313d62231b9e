"""The criteria library: citing a clause freezes it; a change is a new version that supersedes it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Clause

REVISABLE = ("summary", "sectors", "flags", "is_major")


def cite_clause(clause: Clause) -> Clause:
    """Record that something (a checklist item, a hazard) cites the clause: its content is frozen
    from now on. Idempotent; the hazard part calls it when a hazard names its criterion."""
    Clause.objects.filter(pk=clause.pk, cited_at__isnull=True).update(cited_at=timezone.now())
    clause.refresh_from_db(fields=["cited_at"])
    return clause


@transaction.atomic
def revise_clause(clause: Clause, *, valid_from: dt.date | None = None, **changes) -> Clause:
    """A new version of the clause with `changes` (summary, sectors, flags, is_major), valid from
    `valid_from` (default today); the old one stays for what cites it, valid until the day before."""
    unknown = set(changes) - set(REVISABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be revised.") for name in sorted(unknown)})
    old = Clause.objects.select_for_update().get(pk=clause.pk)
    if not old.is_current:
        raise ValidationError(_("Only the current version of a clause can be revised."))
    start = valid_from or timezone.localdate()
    if start <= old.valid_from:
        raise ValidationError({"valid_from": _("A new version must start after the current one (%(day)s).") % {
            "day": old.valid_from.isoformat()}})
    Clause.objects.filter(pk=old.pk).update(is_current=False, valid_until=start - dt.timedelta(days=1))
    values = {name: changes.get(name, getattr(old, name)) for name in REVISABLE}
    return Clause.objects.create(
        standard=old.standard, number=old.number, valid_from=start, version=old.version + 1, supersedes=old, **values,
    )
