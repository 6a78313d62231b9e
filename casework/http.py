"""The one mapping from service errors to HTTP, for the API and for pages.

API: `exception_handler` (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]) answers `Refused` 409 and
`Forbidden` 403 with {"detail", "code", …}, Django's ValidationError 400 with the fields' messages,
an IntegrityError 409, and leaves the rest (404, DRF's own) to DRF — always a JSON body.
Pages: `refusal_message` gives the text a page shows in a message, and `forbid` turns a
`Forbidden` into Django's PermissionDenied (the 403 page).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from casework.errors import Forbidden, Refused


def refused_body(error: Refused) -> dict:
    return {"detail": error.message, "code": error.code, **error.extra}


def exception_handler(exc, context):
    if isinstance(exc, Refused):
        return Response(refused_body(exc), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail=detail)
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, IntegrityError):
        return Response({"detail": _("The change conflicts with existing data.")}, status=status.HTTP_409_CONFLICT)
    return response


def refusal_message(error: Refused | DjangoValidationError) -> str:
    """One line for a page's message: the refusal's reason, or a validation error's messages."""
    if isinstance(error, Refused):
        return error.message
    return " ".join(error.messages)


def forbid(error: Forbidden) -> PermissionDenied:
    return PermissionDenied(error.message)
