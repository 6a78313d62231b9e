"""The photo row every kind of case stores (casework.photos writes it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PhotoBase(models.Model):
    """A stored photo: the JPEG that casework.photos.clean_photo() made, its size, who and when
    (before that, briefly, the upload as received: `processed` False, see casework.photos).

    A client adds the FK to its case (and a kind, if it has kinds) and overrides `image` to give
    it its own `upload_to`; `casework.photos.attach_photos(Model, uploads, uploaded_by=…, **fields)`
    creates the rows.
    """

    image = models.ImageField(_("photo"), upload_to="photos/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # False while the file is the upload as received (checked, not yet re-encoded: never served).
    # db_default too: during an upgrade the previous release's processes still insert rows without it.
    processed = models.BooleanField(_("processed"), default=True, db_default=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]
        # What beat's process_pending_photos looks for: the few rows not yet re-encoded.
        indexes = [models.Index(fields=["created_at"], condition=Q(processed=False), name="%(class)s_pending")]
