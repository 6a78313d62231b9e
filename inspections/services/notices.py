"""One rectification notice for several hazards of one enterprise: issue it and record its
service, each hazard moving through the one table (HAZARD_WORKFLOW) in the same transaction."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from casework.photos import files_discarded_on_error
from inspections.choices import HazardAction, HazardStatus
from inspections.models import Hazard, RectificationNotice
from inspections.services.hazards import apply_hazard_action
from inspections.services.rectification import new_notice


def _hazard_ids(values) -> list[int]:
    values = values if isinstance(values, list | tuple) else [v for v in str(values or "").split(",") if v.strip()]
    try:
        ids = sorted({parsers.pk_of(v) for v in values})
    except ValueError:
        raise ValidationError({"hazards": _("Unknown hazard.")}) from None
    if not ids:
        raise ValidationError({"hazards": _("Choose the hazards the notice covers.")})
    return ids


def issue_notice(*, actor, hazards, params: dict, now: datetime | None = None) -> RectificationNotice:
    """A notice covering `hazards` (ids; confirmed hazards of one enterprise the actor sees)."""
    now = now or timezone.now()
    ids = _hazard_ids(hazards)
    with transaction.atomic():
        rows = list(Hazard.objects.visible_to(actor).filter(pk__in=ids).select_related("enterprise"))
        if len(rows) != len(ids):
            raise Http404
        if len({h.enterprise_id for h in rows}) != 1:
            raise ValidationError({"hazards": _("One notice covers hazards of one enterprise.")})
        notice = new_notice(enterprise=rows[0].enterprise, actor=actor, params=params, now=now)
        for pk in ids:
            apply_hazard_action(pk, actor=actor, action=HazardAction.NOTIFY, params={"note": params.get("note", "")},
                                now=now, _internal={"_notice": notice})
    return notice


def serve_notice(pk, *, actor, signature=None, photos=None, served_to="", now: datetime | None = None) -> RectificationNotice:
    """Record the proof of service (a drawn signature or a photo of the signed notice): every
    hazard it covers moves from notified to rectifying."""
    now = now or timezone.now()
    with files_discarded_on_error(), transaction.atomic():
        notice = RectificationNotice.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
        if notice is None:
            raise Http404
        pending = list(notice.hazards.filter(status=HazardStatus.NOTIFIED).order_by("pk").values_list("pk", flat=True))
        if not pending:
            raise ValidationError({"notice": _("The notice has been served.")})
        for index, hazard_pk in enumerate(pending):
            first = index == 0  # the proof is stored once, with the first hazard's move
            apply_hazard_action(hazard_pk, actor=actor, action=HazardAction.SERVE, now=now,
                                params={"signature": signature if first else None, "served_to": served_to},
                                photos=photos if first else None)
        notice.refresh_from_db()
    return notice
