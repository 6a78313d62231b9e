"""Create forms answer a double submit with the object already created.

A create form renders `{% once_token %}` (casework_tags), a hidden field with a fresh UUID; its
view creates through `create_once(request, create)`. The first submit creates the object and
remembers (user, token) → object; a repeat of the same token returns that object without calling
`create` again, and two simultaneous submits create one (the unique row decides). A form posted
without a token (an old page, a script) creates as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from casework.models import OnceToken

FIELD = "once_token"
M = TypeVar("M", bound=models.Model)


def new_token() -> str:
    return str(uuid.uuid4())


def token_of(request) -> uuid.UUID | None:
    """The token the form sent, or None; a malformed one is refused (the page must be reloaded)."""
    value = (request.POST.get(FIELD) or "").strip()
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({FIELD: _("The form's token is malformed: reload the form.")}) from None


def created_with(user, token: uuid.UUID | None):
    """The object this user already created with this token, or None."""
    if token is None or not getattr(user, "is_authenticated", False):
        return None
    row = OnceToken.objects.filter(user=user, token=token).select_related("content_type").first()
    if row is None:
        return None
    return row.content_type.model_class()._default_manager.filter(pk=row.object_id).first()


def create_once(request, create: Callable[[], M]) -> tuple[M, bool]:
    """(object, created): `create()` run once per form token; a repeat returns the first object."""
    token = token_of(request)
    existing = created_with(request.user, token)
    if existing is not None:
        return existing, False
    if token is None:
        return create(), True
    try:
        with transaction.atomic():
            obj = create()
            OnceToken.objects.create(user=request.user, token=token, object_id=obj.pk,
                                     content_type=ContentType.objects.get_for_model(type(obj)))
    except IntegrityError:
        existing = created_with(request.user, token)  # a simultaneous submit won
        if existing is None:
            raise
        return existing, False
    return obj, True
